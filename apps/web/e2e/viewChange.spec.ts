import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreateSessionResponse } from '@pbft/protocol'
import { expectAccessible } from './support/axe'
import { fitsViewport, launchBrowser, screenshot, type OpenedPage } from './support/browser'
import { ENGLISH_RUN, ENGINE_NOTATION, expectSettledAccessible, onFirstScreen, openDashboard, projectorShot, visibleText } from './support/hostPage'
import { claimSeat, createSession, openSeat, readable, roundEnded } from './support/seats'
import { startServer, type RunningServer } from './support/server'

/**
 * A faulty primary replaced, played by four phones (issue 13): the silent-primary lesson at
 * N = 4. Phone 0 holds the silent primary and stays silent; the view timer runs out, phones 1 to
 * 3 ask for a new primary, phone 1 (primary of view 1) sends NEW-VIEW from its screen, view 1
 * decides and the client (the projector) accepts. The phones and the projector say so in words;
 * axe checks the phone's view-change and new-primary states and the projector after the view
 * change; the phones fit 360 px. Every wait is bounded.
 */

const WAIT = 60_000
/** View 0's timer (view 1 waits twice as long): long enough for four phones on a loaded machine to finish view 1 in time. */
const VIEW_TIMEOUT_MS = 8000

let server: RunningServer
let browser: Browser
const opened: OpenedPage[] = []

beforeAll(async () => {
  server = await startServer({ lanAddress: null })
  browser = await launchBrowser()
})

afterAll(async () => {
  for (const page of opened) await page.context.close().catch(() => undefined)
  await browser?.close()
  await server?.close()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The buttons a phone may show, in the order it takes them (a silent Byzantine phone stays silent). */
const STEPS = ['send-request', 'ask-new-primary', 'send-new-view', 'act'] as const
const SILENT = ['skip', 'skip-view-change'] as const

/**
 * Taps whatever step this phone offers until the round's outcome shows. `before` runs before each
 * tap (the accessibility checks and pictures of a state happen there), once per kind of step.
 */
async function playUntilOutcome(page: Page, silent: boolean, before: (step: string) => Promise<void> = async () => undefined): Promise<string[]> {
  const deadline = Date.now() + WAIT
  const taken: string[] = []
  const outcome = page.locator('[data-testid=outcome]')
  while (Date.now() < deadline) {
    if (await outcome.isVisible()) return taken
    let tapped = false
    for (const step of silent ? SILENT : STEPS) {
      const button = page.locator(`[data-testid=${step}]`).first()
      if (!(await button.isVisible())) continue
      if (!taken.includes(step)) await before(step)
      try {
        await button.click({ timeout: 2000 })
      } catch {
        // The step closed while we looked (the server moved on): look again.
        break
      }
      await expect.poll(async () => !(await button.isVisible()), { timeout: 10_000 }).toBe(true)
      taken.push(step)
      tapped = true
      break
    }
    if (!tapped) await sleep(150)
  }
  throw new Error(`no outcome within ${WAIT} ms; steps taken: ${taken.join(', ')}`)
}

describe('a silent primary replaced by the class', () => {
  it('four phones play the silent-primary lesson: view 1 with primary 1 decides, the client accepts, and everyone says so', async () => {
    const session: CreateSessionResponse = await createSession(server, { preset: 'silent-primary', viewTimeoutMs: VIEW_TIMEOUT_MS, idleBotAfterMs: null, phaseGapMs: 200 })
    expect(session.config).toMatchObject({ nodeCount: 4, faults: { 0: 'silent' }, quorumRule: 'castro-liskov', preset: 'silent-primary' })
    const projector = await openDashboard(browser, server, session, { width: 1280, height: 720 })
    opened.push(projector)
    const phones: OpenedPage[] = []
    for (const nodeId of [0, 1, 2, 3]) {
      const seat = await claimSeat(server, session.sessionId, nodeId, `Student ${nodeId}`)
      const phone = await openSeat(browser, server, seat, { viewport: { width: 360, height: 780 } })
      opened.push(phone)
      phones.push(phone)
    }
    await projector.page.locator('[data-testid=start-round]').click()

    let projectorChecked = false
    /** The projector while the view changes: a picture, axe, and the view change drawn in its own way. */
    async function watchProjector(): Promise<void> {
      const page = projector.page
      const deadline = Date.now() + WAIT
      while (Date.now() < deadline && !projectorChecked) {
        const phase = await page.locator('[data-testid=round-phase]').getAttribute('data-phase').catch(() => null)
        if (phase === 'new-view') {
          await page.locator('[data-testid=show-phase-view-change]').click()
          await page.locator('[data-testid=topology] [data-type=view-change]').first().waitFor({ timeout: 5000 })
          expect(await page.locator('[data-testid=replaced-primaries]').innerText()).toContain('Replaced as primary: replica 0')
          await projectorShot(page, 'projector-view-change')
          await expectSettledAccessible(page, 'the projector during a view change')
          // Follow the round again.
          projectorChecked = true
          return
        }
        await sleep(100)
      }
    }

    const [, ...played] = await Promise.all([
      watchProjector(),
      playUntilOutcome(phones[0]!.page, true),
      playUntilOutcome(phones[1]!.page, false, async (step) => {
        if (step !== 'send-new-view') return
        const page = phones[1]!.page
        expect(readable(await page.locator('[data-testid=collected]').innerText())).toMatch(/Requests for a new proposer: 2 of 2 needed/)
        await expectSettledAccessible(page, 'the new primary’s phone')
        expect(await fitsViewport(page)).toBe(true)
        await screenshot(page, 'phone-new-primary')
      }),
      playUntilOutcome(phones[2]!.page, false, async (step) => {
        if (step !== 'ask-new-primary') return
        const page = phones[2]!.page
        expect(await page.locator('[data-testid=phone-view-timer]').getAttribute('data-expired')).toBe('true')
        await expectAccessible(page, 'a phone asked to ask for a new primary')
        expect(await fitsViewport(page)).toBe(true)
        await screenshot(page, 'phone-view-change')
      }),
      playUntilOutcome(phones[3]!.page, false),
    ])
    expect(projectorChecked).toBe(true)
    // Phone 1 was the new primary: it asked for one, then sent NEW-VIEW from its own screen.
    expect(played[1]).toEqual(expect.arrayContaining(['ask-new-primary', 'send-new-view']))
    expect(played[2]).toContain('ask-new-primary')

    const outcome = await roundEnded(server, session.sessionId)
    expect(outcome).toMatchObject({ outcome: 'success', view: 1, primary: 1, replacedPrimaries: [0], clientAccepted: true })

    // The phones say it in words: the view, the new primary, the one replaced.
    for (const phone of phones.slice(1)) {
      const views = readable(await phone.page.locator('[data-testid=outcome-views]').innerText())
      expect(views).toContain('Decided in view 1')
      expect(views).toContain('was replaced as proposer')
      expect(await fitsViewport(phone.page)).toBe(true)
    }
    expect(readable(await phones[2]!.page.locator('[data-testid=outcome-views]').innerText())).toContain('participant 1 as the new proposer')

    // The projector too: view 1, primary 1, the replaced primary, the client's 2 of 2.
    const page = projector.page
    await page.locator('[data-testid=round-outcome][data-verdict=success]').waitFor({ timeout: 15_000 })
    expect(await page.locator('[data-testid=view-banner]').getAttribute('data-view')).toBe('1')
    expect(await page.locator('[data-testid=view-primary]').innerText()).toContain('Primary: replica 1')
    expect(readable(await page.locator('[data-testid=view-banner] [data-testid=client-replies]').innerText())).toContain('2 of 2 matching replies: accepted')
    const story = readable(await page.locator('[data-testid=outcome-story]').innerText())
    expect(story).toContain('It was decided in view 1, with replica 1 as primary; replica 0 had been replaced.')
    expect(await page.locator('[data-testid=topology-client][data-accepted=true]').count()).toBe(1)
    expect(await visibleText(page, '[data-testid=round-stage]')).not.toMatch(ENGINE_NOTATION)
    for (const part of ['[data-testid=stage-network]', '[data-testid=view-banner]', '[data-testid=round-outcome]']) {
      expect((await onFirstScreen(page, part)).inside, `${part} on the first screen at 1280×720`).toBe(true)
    }
    await expectSettledAccessible(page, 'the projector after a view change')
    await projectorShot(page, 'projector-after-view-change')

    // The history lists the round's view and primary; the replay steps through its view change.
    await page.goto(`${server.url}/history/${session.sessionId}`)
    await page.locator('[data-testid=history-view]').first().waitFor({ timeout: 15_000 })
    expect(await page.locator('[data-testid=history-view]').first().getAttribute('data-view')).toBe('1')
    const banner = page.locator('[data-testid=view-banner]')
    await banner.waitFor({ timeout: 15_000 })
    expect(await banner.getAttribute('data-view')).toBe('0')
    // Step message by message: the VIEW-CHANGEs come (their own tab), then NEW-VIEW opens view 1.
    for (let step = 0; step < 60 && (await banner.getAttribute('data-view')) === '0'; step++) await page.locator('[data-testid=replay-step]').click()
    expect(await banner.getAttribute('data-view')).toBe('1')
    expect(await page.locator('[data-testid=view-primary]').innerText()).toContain('Primary: replica 1')
    expect(await page.locator('[data-testid=messages-tab-view-change]').innerText()).toMatch(/View change \(\d+\)/)

    // 简体中文: the projector's story has no English sentence.
    await page.evaluate(() => localStorage.setItem('pbft.locale', 'zh-CN'))
    await page.goto(`${server.url}/?session=${session.sessionId}`)
    await page.locator('[data-testid=round-outcome]').waitFor({ timeout: 15_000 })
    const zhStory = await page.locator('[data-testid=outcome-story]').innerText()
    expect(zhStory).toContain('在视图 1 中做出决定')
    expect(zhStory).not.toMatch(ENGLISH_RUN)

    for (const phone of phones) await phone.close()
    opened.length = 0
  })
})
