import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, screenshot } from './support/browser'
import { createSession, expectSettledAccessible, decodeQr, onFirstScreen, openDashboard, projectorShot } from './support/hostPage'
import { startServer, type RunningServer } from './support/server'

/** The lecturer at the projector: keys, the help overlay, the QR chip, full screen, and a class of 100. */

let server: RunningServer
let browser: Browser

beforeAll(async () => {
  server = await startServer({ lanAddress: null })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const PROJECTOR = { width: 1280, height: 720 }
const status = (page: Page) => page.getAttribute('[data-testid=host-dashboard]', 'data-status')
const phase = (page: Page) => page.locator('[data-testid=round-phase]').getAttribute('data-phase').catch(() => null)

describe('the lecturer at the projector', () => {
  it('drives the round with keys (never while typing), opens help and the QR code by key and by button, and goes full screen', async () => {
    // Slow bots: the round waits for the lecturer's keys.
    const session = await createSession(server, { nodeCount: 4, pacingMs: 2000, phaseTimeoutMs: 30_000, phaseGapMs: 300, proposalContent: 'blue' })
    const { page, close } = await openDashboard(browser, server, session, PROJECTOR)
    await expectSettledAccessible(page, 'the dashboard before the first round')

    // Help: "?" and the visible button, both a modal dialog that Esc closes.
    await page.keyboard.press('?')
    const help = page.locator('[data-testid=keys-help]')
    await help.waitFor({ state: 'visible' })
    expect(await help.textContent()).toMatch(/Start a round; during a round, close the current phase/)
    await expectSettledAccessible(page, 'the help overlay')
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'hidden' })
    await page.click('[data-testid=keys-button]')
    await help.waitFor({ state: 'visible' })
    await page.click('dialog[open] [data-testid=dialog-close]')
    await help.waitFor({ state: 'hidden' })

    // Typing in a field is not a command: N in the seat's behaviour field starts nothing.
    await page.focus('[data-testid=fault-1] input')
    await page.keyboard.press('n')
    await page.waitForTimeout(500)
    expect(await status(page)).toBe('waiting')
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())

    // Space starts a round; N closes the phase being played.
    await page.keyboard.press(' ')
    await expect.poll(() => status(page), { timeout: 10_000 }).toBe('running')
    await page.locator('[data-testid=qr-chip]').waitFor()
    await expectSettledAccessible(page, 'the dashboard during a round')
    const before = await phase(page)
    await page.keyboard.press('n')
    await expect.poll(() => phase(page), { timeout: 10_000 }).not.toBe(before)

    // R resets (aborts) a running round.
    await expect.poll(() => status(page), { timeout: 40_000 }).not.toBe('running')
    await page.keyboard.press('N')
    await expect.poll(() => status(page), { timeout: 10_000 }).toBe('running')
    await page.keyboard.press('r')
    await expect.poll(() => status(page), { timeout: 10_000 }).not.toBe('running')
    await expect.poll(() => page.locator('[data-testid=round-history] .history__item--aborted').count(), { timeout: 10_000 }).toBe(1)
    expect(await page.textContent('[data-testid=stage-hint]')).toContain('The round was reset')

    // Q, and a click on the corner chip, enlarge a QR code that phones can still read.
    await page.keyboard.press('q')
    const enlarged = page.locator('[data-testid=join-qr-enlarged]')
    await enlarged.waitFor({ state: 'visible' })
    await expect.poll(() => decodeQr(page, '[data-testid=join-qr-enlarged]'), { timeout: 5000 }).toBe(session.joinUrl)
    await expectSettledAccessible(page, 'the enlarged QR code')
    await page.keyboard.press('q')
    await enlarged.waitFor({ state: 'hidden' })
    await expect.poll(() => decodeQr(page), { timeout: 5000 }).toBe(session.joinUrl)
    await page.click('[data-testid=qr-chip]')
    await enlarged.waitFor({ state: 'visible' })
    await page.keyboard.press('Escape')
    await enlarged.waitFor({ state: 'hidden' })

    // F: full screen (or, where the browser refuses, the stage over the whole window), F again leaves it.
    await page.keyboard.press('f')
    await expect.poll(() => page.getAttribute('[data-testid=host-dashboard]', 'data-presentation')).not.toBe('off')
    const covered = await page.evaluate(() => {
      const element = document.querySelector('[data-testid=host-dashboard]') as HTMLElement
      const box = element.getBoundingClientRect()
      return document.fullscreenElement === element || (box.top <= 0 && box.left <= 0 && box.width >= window.innerWidth - 1 && box.height >= window.innerHeight - 1)
    })
    expect(covered).toBe(true)
    for (const part of ['[data-testid=stage-network]', '[data-testid=phase-strip]', '[data-testid=quorum-bars]']) {
      const { inside, box } = await onFirstScreen(page, part, true)
      expect(inside, `${part} in full screen: ${JSON.stringify(box)}`).toBe(true)
    }
    await projectorShot(page, 'stage-fullscreen-1280x720-en')
    await page.keyboard.press('f')
    await expect.poll(() => page.getAttribute('[data-testid=host-dashboard]', 'data-presentation')).toBe('off')

    // A browser that refuses full screen: the stage covers the window instead, says so, and Esc leaves it.
    await page.evaluate(() => {
      HTMLElement.prototype.requestFullscreen = () => Promise.reject(new TypeError('Permissions check failed'))
    })
    await page.click('[data-testid=fullscreen-button]')
    await expect.poll(() => page.getAttribute('[data-testid=host-dashboard]', 'data-presentation')).toBe('fallback')
    await page.locator('[data-testid=fullscreen-refused]').waitFor()
    const box = await page.locator('[data-testid=host-dashboard]').boundingBox()
    expect(box).toMatchObject({ x: 0, y: 0, width: PROJECTOR.width, height: PROJECTOR.height })
    expect((await onFirstScreen(page, '[data-testid=stage-network]', true)).inside).toBe(true)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getAttribute('[data-testid=host-dashboard]', 'data-presentation')).toBe('off')
    await close()
  })

  it('reaches every control and scroll region of the dashboard with Tab, each with a visible focus', async () => {
    const session = await createSession(server, { nodeCount: 4, maxViews: 1, faults: { 3: 'silent' }, pacingMs: 20, phaseTimeoutMs: 4000, phaseGapMs: 20, proposalContent: 'blue' })
    const { page, close } = await openDashboard(browser, server, session, PROJECTOR)
    await page.keyboard.press(' ')
    await page.locator('[data-testid=round-outcome]').waitFor({ timeout: 20_000 })
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    const reached = new Set<string>()
    const unseen: string[] = []
    for (let stop = 0; stop < 120; stop++) {
      await page.keyboard.press('Tab')
      const focus = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null
        if (!element || element === document.body) return null
        const name = element.closest('[data-testid]')?.getAttribute('data-testid') ?? element.tagName.toLowerCase()
        // The ring may sit on the element or on the Element Plus wrapper around it.
        let visible = false
        for (let node: HTMLElement | null = element, depth = 0; node && depth < 4 && !visible; node = node.parentElement, depth++) {
          const style = getComputedStyle(node)
          visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none'
        }
        return { name, visible }
      })
      if (!focus) continue
      reached.add(focus.name)
      if (!focus.visible) unseen.push(focus.name)
    }
    for (const name of ['start-round', 'keys-button', 'fullscreen-button', 'qr-chip', 'show-phase-prepare', 'outcome-details', 'messages-tab-prepare', 'messages-panel', 'replica-counters', 'rate-slider', 'lock-switch', 'fault-1', 'round-history', 'end-session']) {
      expect(reached, `Tab reaches ${name}`).toContain(name)
    }
    expect(unseen, 'focused without a visible ring').toEqual([])
    await close()
  })

  it('keeps a class of 100 within two screens: students listed, bots counted, counters aggregated, the ring labelling students', async () => {
    const session = await createSession(server, { nodeCount: 100, maxViews: 1, pacingMs: 0, phaseTimeoutMs: 20_000, phaseGapMs: 100, botTakeover: true, messageDeliveryRate: 98, proposalContent: 'blue' })
    for (const [nodeId, name] of [[12, 'Ada'], [57, 'Lin']] as const) {
      const claimed = await fetch(`${server.url}/api/sessions/${session.sessionId}/assign-node`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nodeId, name }) })
      expect(claimed.status).toBe(200)
    }
    const { page, close } = await openDashboard(browser, server, session, PROJECTOR)
    await page.keyboard.press(' ')
    await page.locator('[data-testid=round-outcome]').waitFor({ timeout: 60_000 })
    // Students one by one (and the primary); the 97 bots as one line that opens on demand.
    expect(await page.locator('[data-testid=seat-grid] .seats > [data-seat]').count()).toBe(3)
    expect(await page.locator('[data-testid=bot-seats]').getAttribute('open')).toBeNull()
    // Counters: the stage's aggregate, the 100-row table behind a summary.
    expect(await page.locator('[data-testid=quorum-bars] [data-key=committed]').getAttribute('data-count')).toMatch(/^\d+$/)
    expect(await page.locator('[data-testid=count-spread]').count()).toBe(1)
    expect(await page.locator('[data-testid=replica-counters] tbody tr').count()).toBe(0)
    // The ring names the students and the primary, not the 97 others.
    const labelled = await page.locator('[data-testid=topology] .node__label').allTextContents()
    expect(labelled.map((text) => text.trim()).sort()).toEqual(['0', '12 Ada', '57 Lin'])
    expect(await page.locator('[data-testid=topology] .node__id').count()).toBe(0)
    await expect.poll(() => onFirstScreen(page, '[data-testid=round-outcome]').then((r) => r.inside)).toBe(true)
    await projectorShot(page, 'stage-n100-1280x720-en')
    await screenshot(page, 'host-n100-1280x720-en-page')
    const height = await page.evaluate(() => document.documentElement.scrollHeight)
    expect(height, `page height ${height} px at N = 100`).toBeLessThanOrEqual(2 * PROJECTOR.height)
    await expectSettledAccessible(page, 'the dashboard after a round at N = 100')
    // Details on demand: the full counters table.
    await page.click('[data-testid=counters-toggle]')
    expect(await page.locator('[data-testid=replica-counters] tbody tr').count()).toBe(100)
    await close()
  })
})
