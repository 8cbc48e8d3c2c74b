import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type OpenedPage } from './support/browser'
import { openDashboard } from './support/hostPage'
import { claimSeat, createSession, openSeat, readable, roundEnded, startRound, tap, visibleText } from './support/seats'
import { startServer, type RunningServer } from './support/server'

/**
 * What fault tolerance means, played on phones (issues 10 and 14): under the paper's quorum rule
 * three acting students decide although the fourth never taps; and with the idle bot on, a
 * student who does not act in time is played by a bot, which the projector says by name.
 */

const WAIT = 30_000

let server: RunningServer
let browser: Browser
const opened: OpenedPage[] = []

beforeAll(async () => {
  server = await startServer({ lanAddress: null })
  browser = await launchBrowser()
})

afterAll(async () => {
  await Promise.all(opened.map((page) => page.close()))
  await browser?.close()
  await server?.close()
})

describe('fault tolerance on phones', () => {
  it('N = 4, castro-liskov: three phones act, the fourth student never taps, and every acting phone sees consensus', async () => {
    const session = await createSession(server, {
      nodeCount: 4,
      robotNodes: 0,
      quorumRule: 'castro-liskov',
      pacingMs: 20,
      // The silent student holds each phase until it times out: short, so the test stays quick.
      phaseTimeoutMs: 2500,
      phaseGapMs: 50,
      proposalContent: 'lunch',
    })
    const seats = await Promise.all([0, 1, 2, 3].map((nodeId) => claimSeat(server, session.sessionId, nodeId, `Student ${nodeId}`)))
    const phones = await Promise.all(seats.slice(0, 3).map((seat) => openSeat(browser, server, seat)))
    // Seat 3 is held by a student whose phone is open but who never taps.
    const silent = await openSeat(browser, server, seats[3]!)
    opened.push(...phones, silent)

    await startRound(server, session)
    await tap(phones[0]!.page, 'propose')
    await Promise.all(phones.slice(1).map((phone) => tap(phone.page, 'prepare')))
    await Promise.all(phones.map((phone) => tap(phone.page, 'commit')))

    const outcome = await roundEnded(server, session.sessionId)
    expect(outcome).toMatchObject({ success: true, safetyViolation: false, decidedValue: 'lunch', quorumRule: 'castro-liskov' })
    for (const phone of phones) {
      const result = phone.page.locator('[data-testid=outcome]')
      await result.waitFor({ timeout: WAIT })
      expect(await result.getAttribute('data-state')).toBe('success')
      expect(readable(await visibleText(phone.page, '[data-testid=outcome]'))).toMatch(/lunch/)
    }
  })

  it('the idle bot plays for a student who does not act in time, and the projector says so by name', async () => {
    const session = await createSession(server, {
      nodeCount: 4,
      robotNodes: 0,
      quorumRule: 'castro-liskov',
      pacingMs: 20,
      phaseTimeoutMs: 30_000,
      phaseGapMs: 50,
      idleBotAfterMs: 1500,
      proposalContent: 'lunch',
    })
    const seats = await Promise.all([0, 1, 2, 3].map((nodeId) => claimSeat(server, session.sessionId, nodeId, nodeId === 2 ? 'Ana' : `Student ${nodeId}`)))
    const phones = await Promise.all(seats.map((seat) => openSeat(browser, server, seat)))
    const dashboard = await openDashboard(browser, server, session, { width: 1280, height: 720 })
    opened.push(...phones, dashboard)

    await startRound(server, session)
    const acting = phones.filter((_, index) => index !== 2)
    await tap(acting[0]!.page, 'propose')
    await Promise.all(acting.slice(1).map((phone) => tap(phone.page, 'prepare')))
    // Ana's phone never taps: after 1.5 s a bot prepares for her, well before the 30 s timeout.
    const note = dashboard.page.locator('[data-testid=stand-ins] li[data-seat="2"][data-reason=idle]')
    await note.first().waitFor({ timeout: WAIT })
    expect(await note.first().innerText()).toMatch(/A bot played for Ana \(Prepare\): no answer in time\./)
    await Promise.all(acting.map((phone) => tap(phone.page, 'commit')))

    const outcome = await roundEnded(server, session.sessionId)
    expect(outcome).toMatchObject({ success: true, decidedValue: 'lunch' })
    const stage = dashboard.page.locator('[data-testid=round-outcome]')
    await stage.waitFor({ timeout: WAIT })
    expect(await stage.getAttribute('data-success')).toBe('true')
  })
})
