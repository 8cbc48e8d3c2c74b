import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Debian's Chromium, headless, without anything that talks to the Internet or needs a GPU. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 390, height: 844 }

/** Screenshots land in artifacts/screenshots at the repository root (git-ignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../../../artifacts/screenshots/', import.meta.url))

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package`)
  // Playwright gives every launch a fresh temporary profile (user data dir).
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS })
}

export interface OpenedPage {
  page: Page
  context: BrowserContext
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[]
  /** Fails the test if the page logged an error or threw; then closes the context. */
  close(): Promise<void>
}

/**
 * A page in a fresh context (no shared storage), watched for console errors and page errors:
 * a test that passes while the page logs an error has not passed.
 */
export async function openPage(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number } = DESKTOP,
  options: { phone?: boolean; locale?: string; screen?: { width: number; height: number } } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport,
    acceptDownloads: true,
    locale: options.locale ?? 'en-US',
    // Full screen takes the screen's size (headless: 800×600 unless told).
    ...(options.screen ? { screen: options.screen } : {}),
    ...(options.phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`))
  await page.goto(url)
  return {
    page,
    context,
    errors,
    async close() {
      await context.close()
      if (errors.length > 0) throw new Error(`the page reported errors:\n${errors.join('\n')}`)
    },
  }
}

/** True when the page is no wider than the viewport (no horizontal scrolling). */
export function fitsViewport(page: Page): Promise<boolean> {
  return page.evaluate(() => (document.scrollingElement?.scrollWidth ?? 0) <= window.innerWidth)
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // 'disabled' fast-forwards CSS transitions (the progress bar's), so the picture shows the end state.
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true, animations: 'disabled' })
}
