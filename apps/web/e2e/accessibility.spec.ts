import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreateSessionResponse } from '@pbft/protocol'
import { expectAccessible } from './support/axe'
import { DESKTOP, launchBrowser, openPage, screenshot } from './support/browser'
import { claimSeat, createSession, openSeat, roundEnded, startRound } from './support/seats'
import { startServer, type RunningServer } from './support/server'

/**
 * WCAG 2.2 AA on every page state a class or a researcher meets (axe-core: no serious or critical
 * violation), in both languages, on a desktop and a 360 px phone; and every control and scroll
 * region reachable by keyboard with a visible focus. The node page's states (each step, the
 * outcome, a Byzantine seat) are checked along the round in phone.spec.ts.
 */

const WAIT = 30_000
const SMALL_PHONE = { width: 360, height: 740 }

let server: RunningServer
let browser: Browser
/** A session with a played round: its seats for the join page, its history for the history page. */
let played: CreateSessionResponse

beforeAll(async () => {
  server = await startServer({ lanAddress: null })
  browser = await launchBrowser()
  played = await createSession(server, { nodeCount: 4, robotNodes: 2, pacingMs: 20, phaseTimeoutMs: 5000, phaseGapMs: 20, proposalContent: 'lunch' })
  await startRound(server, played)
  await roundEnded(server, played.sessionId)
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

interface PageState {
  name: string
  path: () => string
  /** Waits until the state is on screen (and brings it about). */
  ready: (page: Page) => Promise<void>
}

const STATES: PageState[] = [
  { name: 'home form', path: () => '/', ready: (page) => page.locator('[data-testid=host-form]').waitFor({ timeout: WAIT }) },
  { name: 'join, code form', path: () => '/join', ready: (page) => page.locator('input#join-code').waitFor({ timeout: WAIT }) },
  { name: 'join, seats', path: () => `/join/${played.sessionId}`, ready: (page) => page.locator('[data-testid=seat-summary]').waitFor({ timeout: WAIT }) },
  { name: 'experiment, idle', path: () => '/experiment', ready: (page) => page.locator('[data-testid=run]').waitFor({ timeout: WAIT }) },
  {
    name: 'experiment, with results',
    path: () => '/experiment',
    ready: async (page) => {
      await page.fill('#experiment-nodes', '4,7')
      await page.fill('#experiment-p', '0.9')
      await page.fill('#experiment-rounds', '2000')
      await page.click('[data-testid=run]')
      await page.locator('[data-testid=run-status][data-status=done]').waitFor({ timeout: 60_000 })
      await page.locator('[data-testid=experiment-chart]').waitFor({ timeout: WAIT })
    },
  },
  { name: 'history list', path: () => `/history/${played.sessionId}`, ready: (page) => page.locator('[data-testid=round-history] [data-round]').first().waitFor({ timeout: WAIT }) },
  { name: '404', path: () => '/no/such/page', ready: (page) => page.locator('main h1').waitFor({ timeout: WAIT }) },
]

describe.each([
  { lang: 'en', locale: 'en-US' },
  { lang: 'zh', locale: 'zh-CN' },
])('axe-core on every page ($lang)', ({ lang, locale }) => {
  it.each(STATES.map((state) => [state.name, state] as const))('%s, on a desktop and a 360 px phone', async (_name, state) => {
    for (const [viewport, phone] of [
      [DESKTOP, false],
      [SMALL_PHONE, true],
    ] as const) {
      const opened = await openPage(browser, `${server.url}${state.path()}`, viewport, { phone, locale })
      await state.ready(opened.page)
      await expectAccessible(opened.page, `${state.name} (${lang}, ${viewport.width} px)`)
      await opened.close()
    }
  })
})

/**
 * Tabs through the page and returns, for every element that took the focus, whether a focus
 * indicator is drawn: an outline or a ring (box-shadow) on it, on the control it stands for
 * (Element's radios and checkboxes hide their input and draw the next element), or on its
 * Element input wrapper.
 */
async function focusStops(page: Page, maxStops = 80): Promise<{ what: string; visible: boolean }[]> {
  const stops: { what: string; visible: boolean }[] = []
  const seen = new Set<string>()
  for (let i = 0; i < maxStops; i++) {
    await page.keyboard.press('Tab')
    const stop = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null
      if (!element || element === document.body) return null
      const drawn = (node: Element | null): boolean => {
        if (!node) return false
        const style = getComputedStyle(node)
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        return outline || (style.boxShadow !== 'none' && style.boxShadow !== '')
      }
      const hidden = getComputedStyle(element).opacity === '0'
      const visible =
        (!hidden && drawn(element)) || drawn(element.nextElementSibling) || drawn(element.closest('.el-input__wrapper'))
      const id = element.id ? `#${element.id}` : ''
      const test = element.getAttribute('data-testid')
      const path = `${element.tagName.toLowerCase()}${id}${test ? `[${test}]` : ''}.${[...element.classList].join('.')}`
      return { what: `${path} "${(element.textContent ?? '').trim().slice(0, 30)}"`, visible, key: path + (element.textContent ?? '').slice(0, 60) }
    })
    if (stop === null) continue
    // Back at the start: every stop was visited.
    if (seen.has(stop.key)) break
    seen.add(stop.key)
    stops.push({ what: stop.what, visible: stop.visible })
  }
  return stops
}

describe('the keyboard', () => {
  it.each([
    ['home form', '/'],
    ['join, seats', () => `/join/${played.sessionId}`],
    ['experiment', '/experiment'],
    ['history', () => `/history/${played.sessionId}`],
  ] as const)('reaches every control of the %s page with a visible focus', async (name, path) => {
    const opened = await openPage(browser, `${server.url}${typeof path === 'string' ? path : path()}`, DESKTOP)
    await opened.page.locator('main h1').waitFor({ timeout: WAIT })
    await opened.page.waitForLoadState('networkidle')
    const stops = await focusStops(opened.page)
    expect(stops.length, `${name}: nothing took the focus`).toBeGreaterThan(3)
    expect(stops.filter((stop) => !stop.visible).map((stop) => stop.what), `${name}: focus without a visible indicator`).toEqual([])
    await opened.close()
  })

  it('reaches the node page’s controls (a Byzantine seat’s choices too) with a visible focus, on a phone', async () => {
    const session = await createSession(server, { nodeCount: 4, pacingMs: 20, phaseTimeoutMs: 60_000, phaseGapMs: 50, faults: { 1: 'equivocate' }, allowTampering: true })
    const phone = await openSeat(browser, server, await claimSeat(server, session.sessionId, 1), { viewport: SMALL_PHONE })
    await startRound(server, session)
    await phone.page.locator('[data-testid=act][data-action=prepare]').waitFor({ timeout: WAIT })
    const stops = await focusStops(phone.page)
    const names = stops.map((stop) => stop.what).join('\n')
    expect(names).toMatch(/el-radio__original/)
    expect(names).toMatch(/el-checkbox__original/)
    expect(names).toMatch(/\[act\]/)
    expect(stops.filter((stop) => !stop.visible).map((stop) => stop.what)).toEqual([])
    await phone.page.keyboard.press('Shift+Tab')
    await screenshot(phone.page, 'phone-keyboard-focus')
    await phone.close()
  })
})
