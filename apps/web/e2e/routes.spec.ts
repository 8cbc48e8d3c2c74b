import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, fitsViewport, launchBrowser, openPage, PHONE, screenshot } from './support/browser'
import { startServer, type RunningServer } from './support/server'

const ROUTES = ['/', '/join', '/join/AB12CD', '/node/s1/3', '/experiment', '/history', '/history/s1', '/no/such/page']

let server: RunningServer
let browser: Browser

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('every route', () => {
  it.each(ROUTES)('%s renders its page without console errors, on a desktop and on phones', async (path) => {
    for (const [viewport, phone] of [
      [DESKTOP, false],
      [{ width: 360, height: 740 }, true],
      [{ width: 430, height: 932 }, true],
    ] as const) {
      const opened = await openPage(browser, `${server.url}${path}`, viewport, { phone })
      await opened.page.locator('main h1').waitFor()
      expect(await opened.page.title()).toMatch(/PBFT Classroom$/)
      expect(await fitsViewport(opened.page), `${path} at ${viewport.width} px`).toBe(true)
      // Brand, language and menu share one line of the top bar, even at 360 px.
      const bar = await opened.page.locator('header.top-bar').boundingBox()
      expect(bar?.height, `top bar at ${viewport.width} px`).toBeLessThanOrEqual(60)
      await opened.close()
    }
  })
})

describe('the shell', () => {
  it('folds the navigation behind a menu on a phone', async () => {
    const { page, close } = await openPage(browser, `${server.url}/`, PHONE, { phone: true })
    const menu = page.getByRole('button', { name: 'Menu' })
    await expect.poll(() => page.locator('#main-nav').isVisible()).toBe(false)
    await menu.click()
    await screenshot(page, 'menu-phone')
    await page.locator('#main-nav').getByRole('link', { name: 'Experiment' }).click()
    await page.waitForURL(/\/experiment$/)
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Reliability experiment')
    await expect.poll(() => page.locator('#main-nav').isVisible()).toBe(false)
    await close()
  })

  it('switches to Simplified Chinese, Element Plus included, and remembers it', async () => {
    const { page, close } = await openPage(browser, `${server.url}/experiment`)
    await page.selectOption('[data-testid=language-switch]', 'zh-CN')
    await expect.poll(() => page.locator('main h1').textContent()).toBe('可靠性实验')
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    // Element Plus's own text, from its locale: the empty results table.
    await expect.poll(() => page.locator('.el-table__empty-text').textContent()).toBe('暂无数据')
    await page.reload()
    await expect.poll(() => page.locator('main h1').textContent()).toBe('可靠性实验')
    expect(await page.title()).toBe('可靠性实验 · PBFT 课堂')
    await screenshot(page, 'experiment-zh-desktop')
    await close()
  })

  it('starts in Chinese for a Chinese browser', async () => {
    const { page, close } = await openPage(browser, `${server.url}/`, DESKTOP, { locale: 'zh-CN' })
    await expect.poll(() => page.locator('main h1').textContent()).toBe('主持会话')
    await close()
  })

  it('can be used from the keyboard: the skip link and a visible focus ring', async () => {
    const { page, close } = await openPage(browser, `${server.url}/experiment`)
    await page.keyboard.press('Tab')
    const skip = page.getByRole('link', { name: 'Skip to content' })
    await expect.poll(() => skip.evaluate((link) => link === document.activeElement)).toBe(true)
    const outline = await skip.evaluate((link) => getComputedStyle(link).outlineStyle)
    expect(outline).not.toBe('none')
    await close()
  })
})
