import { expect } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { AssignNodeResponse, CreateSessionResponse, RoundOutcome } from '@pbft/protocol'
import { openPage, PHONE, type OpenedPage } from './browser'
import type { RunningServer } from './server'

/**
 * Sessions and seats for the phone's browser tests: created over REST (the dashboard has its own
 * tests), then each phone opens its node page with the seat token a join would have stored.
 */

export async function createSession(server: RunningServer, body: object): Promise<CreateSessionResponse> {
  const response = await fetch(`${server.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status, await response.clone().text()).toBe(201)
  return (await response.json()) as CreateSessionResponse
}

export async function startRound(server: RunningServer, session: CreateSessionResponse): Promise<void> {
  const response = await fetch(`${server.url}/api/sessions/${session.sessionId}/rounds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.hostToken}`, 'content-type': 'application/json' },
    body: '{}',
  })
  expect(response.status, await response.clone().text()).toBe(201)
}

export async function claimSeat(server: RunningServer, sessionId: string, nodeId: number, name?: string): Promise<AssignNodeResponse> {
  const response = await fetch(`${server.url}/api/sessions/${sessionId}/assign-node`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(name ? { nodeId, name } : { nodeId }),
  })
  expect(response.status, await response.clone().text()).toBe(200)
  return (await response.json()) as AssignNodeResponse
}

export interface PhoneOptions {
  locale?: string
  viewport?: { width: number; height: number }
}

export function nodeUrl(server: RunningServer, seat: AssignNodeResponse): string {
  return `${server.url}/node/${seat.sessionId}/${seat.nodeId}`
}

/** A phone (touch, small screen) holding `seat`: its token stored as the join page stores it. */
export async function openSeat(browser: Browser, server: RunningServer, seat: AssignNodeResponse, options: PhoneOptions = {}): Promise<OpenedPage> {
  // Any page of the origin will do to reach its storage; the 404 page is the lightest.
  const phone = await openPage(browser, `${server.url}/no-such-page`, options.viewport ?? PHONE, { phone: true, locale: options.locale ?? 'en-US' })
  await phone.page.evaluate(({ key, value }) => localStorage.setItem(key, value), {
    key: `pbft.seat.${seat.sessionId}`,
    value: JSON.stringify({ sessionId: seat.sessionId, nodeId: seat.nodeId, seatToken: seat.seatToken }),
  })
  await phone.page.goto(nodeUrl(server, seat))
  await phone.page.locator('[data-testid=replica-status]').waitFor({ timeout: 30_000 })
  return phone
}

/**
 * Waits for this phone's action button for `action`, taps it, and waits until the tap is taken:
 * the button gives way (to "sent, waiting", the next step's button or the outcome), unrefused.
 */
export async function tap(page: Page, action: 'propose' | 'prepare' | 'commit', timeout = 30_000): Promise<void> {
  const button = page.locator(`[data-testid=act][data-action=${action}]`)
  await button.waitFor({ timeout })
  await button.click()
  const refused = page.locator('[data-testid=act-error]')
  await expect.poll(async () => (await refused.count()) > 0 || !(await button.isVisible()), { timeout: 10_000 }).toBe(true)
  expect(await refused.count(), `${action} was refused`).toBe(0)
}

/** Engine notation that must never reach a student's screen outside the experts' details. */
export const ENGINE_NOTATION = /N[pc]{0,2}p?=\d|N-f=/

/** Three Latin words in a row: an English sentence left in a Chinese page. */
export const LATIN_RUN = /[A-Za-z]+(?:[\s,.;:'’-]+[A-Za-z]+){2,}/

/** What a student reads on the page: rendered text only (a closed <details> is not rendered). */
export function visibleText(page: Page, selector = 'main'): Promise<string> {
  return page.locator(selector).innerText()
}

/** Text as read aloud: one space between words, none before punctuation (value tags break lines in innerText). */
export function readable(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\s+([.,;:!?。，；：])/g, '$1').trim()
}

/** The session's last outcome (REST status), null before its first round ends. */
export async function lastOutcome(server: RunningServer, sessionId: string): Promise<RoundOutcome | null> {
  const response = await fetch(`${server.url}/api/sessions/${sessionId}/status`)
  return ((await response.json()) as { lastOutcome: RoundOutcome | null }).lastOutcome
}

/** Waits (bounded) for the session's round to end; usable outside a test, in hooks. */
export async function roundEnded(server: RunningServer, sessionId: string, timeoutMs = 30_000): Promise<RoundOutcome> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const outcome = await lastOutcome(server, sessionId)
    if (outcome) return outcome
    if (Date.now() > deadline) throw new Error(`no outcome in session ${sessionId} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
