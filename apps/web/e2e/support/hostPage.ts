import jsQR from 'jsqr'
import type { Browser, Page } from 'playwright-core'
import type { CreateSessionBody, CreateSessionResponse } from '@pbft/protocol'
import { expectAccessible } from './axe'
import { openPage, SCREENSHOTS, type OpenedPage } from './browser'
import type { RunningServer } from './server'

/** The projector's pages in the browser tests: a session made over REST, its dashboard opened with the host token. */

export async function createSession(server: RunningServer, body: CreateSessionBody): Promise<CreateSessionResponse> {
  const response = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (response.status !== 201) throw new Error(`creating a session answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as CreateSessionResponse
}

/**
 * The dashboard of `session` as its creator's tab sees it (the token in localStorage), connected.
 * The screen is the viewport's size, as on a projector, so that full screen keeps the size.
 */
export async function openDashboard(
  browser: Browser,
  server: RunningServer,
  session: Pick<CreateSessionResponse, 'sessionId' | 'hostToken' | 'joinUrl'>,
  viewport: { width: number; height: number },
  locale: 'en' | 'zh-CN' = 'en',
): Promise<OpenedPage> {
  const opened = await openPage(browser, `${server.url}/join`, viewport, { locale: locale === 'zh-CN' ? 'zh-CN' : 'en-US', screen: viewport })
  await opened.page.evaluate(({ sessionId, hostToken, joinUrl }) => {
    localStorage.setItem(`pbft.host.${sessionId}`, JSON.stringify({ sessionId, hostToken, joinUrl, savedAt: Date.now() }))
  }, session)
  await opened.page.goto(`${server.url}/?session=${session.sessionId}`)
  await opened.page.locator('[data-testid=host-dashboard][data-connection=connected]').waitFor({ timeout: 15_000 })
  return opened
}

/**
 * Where an element is, in viewport coordinates, and whether all of it is on the first screen
 * (the page not scrolled; `presenting`: the full-screen stage scrolls itself, not the window).
 */
export async function onFirstScreen(page: Page, selector: string, presenting = false): Promise<{ inside: boolean; box: { x: number; y: number; width: number; height: number } | null }> {
  const box = await page.locator(selector).first().boundingBox()
  const { width, height, scrolled } = await page.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight, scrolled: window.scrollY }))
  const inside = box !== null && (presenting || scrolled === 0) && box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5 && box.width > 0
  return { inside, box }
}

/** The text a person sees (closed <details> and hidden elements excluded). */
export function visibleText(page: Page, selector = 'body'): Promise<string> {
  return page.locator(selector).first().evaluate((element: HTMLElement) => element.innerText)
}

/** Engine notation the projector must not show outside "details": Np=1, Npp=3, Nc=2, N-f=3. */
export const ENGINE_NOTATION = /N[pc]{0,2}p?=\d|N-f=/
/** Three Latin words in a row: an English sentence. */
export const ENGLISH_RUN = /[A-Za-z]+[\s,.;:]+[A-Za-z]+[\s,.;:]+[A-Za-z]+/

/** What the projector shows (the viewport, not the whole page). */
export async function projectorShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, animations: 'disabled' })
}

/** Decodes the QR code drawn on a canvas of the page (null when it cannot be read). */
export async function decodeQr(page: Page, selector = '[data-testid=join-qr-code]'): Promise<string | null> {
  const pixels = await page.locator(selector).evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d')
    if (!context) return null
    const image = context.getImageData(0, 0, canvas.width, canvas.height)
    return { data: Array.from(image.data), width: image.width, height: image.height }
  })
  if (!pixels) return null
  return jsQR(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height)?.data ?? null
}

/**
 * Axe on the page once its transitions have ended: a button that just became enabled fades its
 * colours for ~0.2 s, and axe must judge the colours people read, not a frame of the fade.
 */
export async function expectSettledAccessible(page: Page, state: string): Promise<void> {
  // Vue starts an enter transition a frame after it inserts the element: let it start first.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  )
  await expectAccessible(page, state)
}
