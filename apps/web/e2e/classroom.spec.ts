import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreateSessionResponse } from '@pbft/protocol'
import { DESKTOP, fitsViewport, launchBrowser, openPage, PHONE, screenshot, type OpenedPage } from './support/browser'
import { ENGINE_NOTATION } from './support/seats'
import { startServer, type RunningServer } from './support/server'

/**
 * The classroom, end to end: the host creates a session on the dashboard, four phones (390×844,
 * touch) open the join link its QR code carries, take seats, and play one PBFT round by tapping
 * the buttons that appear, one of them reloading mid-round; the phones and the dashboard all
 * show the outcome. Every wait is bounded.
 */

const WAIT = 30_000
const PROPOSAL = 'lunch at noon'

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

async function openPhone(url: string): Promise<OpenedPage> {
  const phone = await openPage(browser, url, PHONE, { phone: true })
  opened.push(phone)
  return phone
}

async function createSession(body: object): Promise<CreateSessionResponse> {
  const response = await fetch(`${server.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(201)
  return (await response.json()) as CreateSessionResponse
}

function nodeIdOf(page: Page): Promise<number> {
  return page.locator('[data-testid=node-page]').getAttribute('data-node-id').then(Number)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Taps whatever action button this phone shows until the round's outcome appears.
 * `afterAction` runs once after each successful tap (the reload happens there).
 */
async function playUntilOutcome(
  page: Page,
  afterAction: (action: string) => Promise<void> = async () => undefined,
  beforeAction: (action: string) => Promise<void> = async () => undefined,
): Promise<string[]> {
  const deadline = Date.now() + WAIT
  const actions: string[] = []
  const outcome = page.locator('[data-testid=outcome]')
  const button = page.locator('[data-testid=act]')
  while (Date.now() < deadline) {
    if (await outcome.isVisible()) return actions
    if (await button.isVisible()) {
      const action = (await button.getAttribute('data-action')) ?? '?'
      try {
        await beforeAction(action)
        await button.click({ timeout: 2000 })
        // The tap is done once its button gives way (to "sent, waiting", the next phase's
        // button or the outcome): looking for "waiting" alone can miss it on a busy machine,
        // as the next phase may open within the phase gap.
        const tapped = page.locator(`[data-testid=act][data-action=${action}]`)
        await expect
          .poll(async () => (await page.locator('[data-testid=act-error]').count()) > 0 || !(await tapped.isVisible()), { timeout: 5000 })
          .toBe(true)
        expect(await page.locator('[data-testid=act-error]').count(), `${action} was refused`).toBe(0)
        actions.push(action)
        await afterAction(action)
      } catch (error) {
        // The button went away between the look and the tap (the phase closed): look again.
        if (error instanceof Error && /was refused/.test(error.message)) throw error
      }
    }
    await sleep(100)
  }
  throw new Error(`no outcome within ${WAIT} ms on ${page.url()} (tapped: ${actions.join(', ') || 'nothing'})`)
}

describe('the classroom', () => {
  it('the host creates a session on the dashboard, four phones join from its QR link, play a round (one reloads mid-round) and every page shows the outcome', async () => {
    // ---- the host: the form on the dashboard, then the QR code ----
    const host = await openPage(browser, `${server.url}/`, DESKTOP)
    opened.push(host)
    const hostPage = host.page
    await hostPage.locator('[data-testid=host-form]').waitFor({ timeout: WAIT })
    await hostPage.fill('#host-nodeCount', '4')
    await hostPage.fill('#host-robotNodes', '0')
    await hostPage.fill('#host-pacingMs', '50')
    await hostPage.fill('#host-phaseTimeoutMs', '60000')
    await hostPage.fill('#host-phaseGapMs', '150')
    await hostPage.fill('#host-proposalContent', PROPOSAL)
    await hostPage.click('[data-testid=create-session]')
    const qr = hostPage.locator('[data-testid=join-qr-code]')
    await qr.waitFor({ timeout: WAIT })
    const sessionId = (await hostPage.textContent('[data-testid=session-code]'))?.trim() ?? ''
    // The element that carries the QR code's URL: a link to this server's join page (loopback in tests).
    const joinUrl = (await qr.getAttribute('data-join-url')) ?? ''
    expect(joinUrl).toBe(`${server.url}/join/${sessionId}`)
    await hostPage.locator('[data-testid=host-dashboard][data-connection=connected]').waitFor({ timeout: WAIT })
    const session = { sessionId, joinUrl }

    // ---- join: four phones open the link at once and take any free seat ----
    const phones = await Promise.all([0, 1, 2, 3].map(() => openPhone(session.joinUrl)))
    for (const { page } of phones) {
      await page.locator('[data-testid=auto-assign]:not([disabled])').waitFor({ timeout: WAIT })
      expect(await page.locator('[data-testid=seat-summary]').textContent()).toMatch(/of 4 seats taken/)
      expect(await fitsViewport(page)).toBe(true)
    }
    await screenshot(phones[0]!.page, 'join-phone')
    await Promise.all(
      phones.map(async ({ page }, index) => {
        await page.locator('input#join-name').fill(`Student ${index + 1}`)
        await page.locator('[data-testid=auto-assign]').click()
        await page.waitForURL(/\/node\/[A-Z0-9]+\/\d+$/, { timeout: WAIT })
        await page.locator('[data-testid=waiting-round]').waitFor({ timeout: WAIT })
      }),
    )
    const nodeIds = await Promise.all(phones.map(({ page }) => nodeIdOf(page)))
    expect([...nodeIds].sort()).toEqual([0, 1, 2, 3])
    for (const { page } of phones) {
      expect(await page.locator('[data-testid=connection]').count()).toBe(0)
      expect(await fitsViewport(page)).toBe(true)
    }
    const primary = phones[nodeIds.indexOf(0)]!.page
    expect(await primary.locator('[data-testid=role]').textContent()).toContain('Proposer')

    // ---- the round: the host starts it from the dashboard, every phone taps its buttons ----
    await hostPage.click('[data-testid=start-round]')
    const reloader = phones[nodeIds.indexOf(2)]!.page
    let reloaded = false
    const played = await Promise.all(
      phones.map(({ page }) =>
        playUntilOutcome(page, async (action) => {
          if (page !== reloader || reloaded || action !== 'prepare') return
          reloaded = true
          const sentBefore = await page.locator('[data-testid=sent] li').count()
          expect(sentBefore).toBeGreaterThan(0)
          await page.reload()
          // Same seat, and the round's state at once (the server sends the full view on connect).
          await page.locator('[data-testid=replica-status]').waitFor({ timeout: 5000 })
          expect(page.url()).toMatch(new RegExp(`/node/${session.sessionId}/2$`))
          expect(await nodeIdOf(page)).toBe(2)
          expect(await page.locator('[data-testid=round]').textContent()).toContain('Round 1')
          expect(await page.locator('[data-testid=sent] li').count()).toBeGreaterThanOrEqual(sentBefore)
          expect(await page.locator('[data-testid=accepted]').textContent()).toContain(PROPOSAL)
        }, async (action) => {
          // The primary's phone with its big "Propose" button.
          if (page === primary && action === 'propose') await screenshot(page, 'node-phone')
        }),
      ),
    )
    expect(reloaded).toBe(true)
    expect(played[nodeIds.indexOf(0)]).toContain('propose')
    for (const [index, actions] of played.entries()) {
      expect(actions, `phone of replica ${nodeIds[index]}`).toContain('commit')
    }

    // ---- the outcome, on every phone ----
    for (const { page } of phones) {
      const outcome = page.locator('[data-testid=outcome]')
      expect(await outcome.getAttribute('data-success')).toBe('true')
      expect(await outcome.locator('[data-testid=outcome-verdict]').textContent()).toContain('Consensus reached')
      expect(await outcome.locator('[data-testid=decided-value]').textContent()).toContain(PROPOSAL)
      expect(await outcome.locator('[data-testid=my-decision]').textContent()).toContain(PROPOSAL)
      expect(await page.locator('[data-testid=commit-counter]').textContent()).toMatch(/\d of 2 confirms needed/)
      // The outcome in words, the proposal with its letter; the engine's notation only for experts.
      expect(await outcome.locator('[data-testid=my-decision] [data-testid=value-tag]').getAttribute('data-letter')).toBe('A')
      expect(await page.locator('main').innerText()).not.toMatch(ENGINE_NOTATION)
      expect(await fitsViewport(page), page.url()).toBe(true)
    }
    await screenshot(reloader, 'node-phone-outcome')

    // ---- and on the host's dashboard ----
    const hostOutcome = hostPage.locator('[data-testid=round-outcome][data-success=true]')
    await hostOutcome.waitFor({ timeout: WAIT })
    expect(await hostPage.textContent('[data-testid=decided-value]')).toContain(PROPOSAL)
    expect(await hostPage.locator('[data-testid=replica-counters] tr[data-committed=true]').count()).toBe(4)
    await screenshot(hostPage, 'host-dashboard-classroom')

    // ---- PBFT terms, and touch targets ----
    await reloader.locator('[data-testid=terms-pbft]').click()
    expect(await reloader.locator('[data-testid=node-heading]').textContent()).toBe('Replica 2')
    expect(await reloader.locator('[data-testid=commit-counter]').textContent()).toMatch(/of 2 commits needed/)
    const switchBox = await reloader.locator('[data-testid=terms-plain]').boundingBox()
    expect(switchBox?.height).toBeGreaterThanOrEqual(44)
    await reloader.locator('[data-testid=terms-plain]').click()

    // ---- coming back to the link offers the seat this phone holds ----
    const back = phones[0]!.page
    await back.goto(session.joinUrl)
    const resume = back.locator('[data-testid=continue]')
    await resume.waitFor({ timeout: WAIT })
    expect(await resume.textContent()).toContain(`Continue as participant ${nodeIds[0]}`)
    const box = await resume.boundingBox()
    expect(box?.height).toBeGreaterThanOrEqual(44)
    await resume.click()
    await back.locator('[data-testid=outcome]').waitFor({ timeout: WAIT })
    expect(await nodeIdOf(back)).toBe(nodeIds[0])

    for (const phone of [...phones, host]) {
      opened.splice(opened.indexOf(phone), 1)
      await phone.close()
    }
  })

  it('says so when the session code is wrong, and finds a session from a typed lower-case code', async () => {
    const session = await createSession({ nodeCount: 4, pacingMs: 50, phaseTimeoutMs: 60_000 })
    const phone = await openPhone(`${server.url}/join/ZZZZZZ`)
    const { page } = phone
    await page.locator('[data-testid=join-not-found]').waitFor({ timeout: WAIT })
    expect(await page.locator('[data-testid=join-not-found]').textContent()).toContain('ZZZZZZ')
    await page.locator('input#join-code').fill(` ${session.sessionId.toLowerCase()} `)
    await page.locator('[data-testid=join-open]').click()
    await page.waitForURL(new RegExp(`/join/${session.sessionId}$`), { timeout: WAIT })
    await page.locator('[data-testid=seat-summary]').waitFor({ timeout: WAIT })
    expect(await page.locator('[data-testid=seat-summary]').textContent()).toBe('0 of 4 seats taken, 4 free')
    // Picking a seat by hand.
    await page.locator('[data-testid=seat-3]').click()
    await page.locator('[data-testid=take-seat]').click()
    await page.waitForURL(new RegExp(`/node/${session.sessionId}/3$`), { timeout: WAIT })
    await page.locator('[data-testid=waiting-round]').waitFor({ timeout: WAIT })
    opened.splice(opened.indexOf(phone), 1)
    await phone.close()
  })

  it('sends a phone without a seat from the node page to the join page', async () => {
    const session = await createSession({ nodeCount: 4, pacingMs: 50, phaseTimeoutMs: 60_000 })
    const phone = await openPhone(`${server.url}/node/${session.sessionId}/1`)
    await phone.page.waitForURL(new RegExp(`/join/${session.sessionId}\\?reason=no-seat$`), { timeout: WAIT })
    await phone.page.locator('[data-testid=join-notice]').waitFor({ timeout: WAIT })
    await phone.page.locator('[data-testid=auto-assign]:not([disabled])').waitFor({ timeout: WAIT })
    opened.splice(opened.indexOf(phone), 1)
    await phone.close()
  })

  it('the host page renders on a desktop next to the phones', async () => {
    const host = await openPage(browser, `${server.url}/`, DESKTOP)
    opened.push(host)
    await host.page.locator('main h1').waitFor({ timeout: WAIT })
    opened.splice(opened.indexOf(host), 1)
    await host.close()
  })
})
