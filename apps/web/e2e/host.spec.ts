import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, fitsViewport, launchBrowser, openPage, PHONE, screenshot } from './support/browser'
import { decodeQr, expectSettledAccessible, onFirstScreen, visibleText } from './support/hostPage'
import { startServer, type RunningServer } from './support/server'

let server: RunningServer
let browser: Browser

beforeAll(async () => {
  // Join links on the test server's own origin (127.0.0.1), never the machine's LAN address.
  server = await startServer({ lanAddress: null })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

let sessionId = ''
let decidedRound = 0

describe('the host dashboard', () => {
  it(
    'creates a session (N = 4, all bots), shows its QR code, runs a round to a decided outcome and survives a reload',
    async () => {
      const { page, close } = await openPage(browser, `${server.url}/`, DESKTOP)
      await page.locator('[data-testid=host-form]').waitFor()
      await expectSettledAccessible(page, 'the session form')

      // Inline errors under their field (Element Plus form items), tied to the input.
      await page.fill('#host-nodeCount', '200')
      await expect.poll(() => page.locator('[data-testid=problem-nodeCount]').textContent()).toMatch(/from 4 to 100/)
      expect(await page.getAttribute('#host-nodeCount', 'aria-invalid')).toBe('true')
      expect(await page.getAttribute('#host-nodeCount', 'aria-describedby')).toContain('host-nodeCount-problem')
      expect(await page.locator('label[for=host-nodeCount]').textContent()).toContain('Replicas (N)')
      await expectSettledAccessible(page, 'the session form with an error')
      // A Byzantine seat brings its kind's choice (an Element Plus select, labelled).
      await page.fill('#host-nodeCount', '4')
      await page.fill('#host-faultyNodes', '1')
      await page.locator('[data-testid=kind-3]').waitFor()
      expect(await page.locator('label[for=host-kind-3]').textContent()).toContain('Kind of replica 3')
      await expectSettledAccessible(page, 'the session form with a Byzantine seat')
      await page.fill('#host-faultyNodes', '0')
      await page.locator('[data-testid=kind-3]').waitFor({ state: 'detached' })

      // Inline validation mirrors the server: pacing too slow for the timeout is refused here.
      await page.fill('#host-pacingMs', '800')
      await page.fill('#host-phaseTimeoutMs', '1000')
      expect(await page.textContent('[data-testid=problem-timing]')).toMatch(/at least 2400 ms/)
      expect(await page.isDisabled('[data-testid=create-session]')).toBe(true)

      await page.fill('#host-nodeCount', '4')
      await page.fill('#host-robotNodes', '4')
      await page.fill('#host-pacingMs', '50')
      await page.fill('#host-phaseTimeoutMs', '2000')
      await page.fill('#host-phaseGapMs', '50')
      await page.fill('#host-proposalContent', 'blue')
      expect(await page.locator('[data-testid=problem-timing]').count()).toBe(0)
      // The classroom's idle bot (10 s) must act before a 2 s phase closes: the form says so.
      await expect.poll(() => page.locator('[data-testid=problem-idleBotSeconds]').textContent()).toMatch(/2 s/)
      expect(await page.isDisabled('[data-testid=create-session]')).toBe(true)
      // All bots: no student to play for, so the idle bot goes off.
      await page.click('[data-testid=idle-bot]')
      await expect.poll(() => page.locator('[data-testid=problem-idleBotSeconds]').count()).toBe(0)
      const created = page.waitForResponse((r) => r.url().endsWith('/api/sessions') && r.request().method() === 'POST')
      await page.click('[data-testid=create-session]')
      expect((await created).status()).toBe(201)

      const qr = page.locator('[data-testid=join-qr-code]')
      await qr.waitFor()
      sessionId = (await page.textContent('[data-testid=session-code]'))?.trim() ?? ''
      expect(sessionId).toMatch(/^[A-Z2-9]{6}$/)
      expect(page.url()).toContain(`session=${sessionId}`)
      const joinUrl = await qr.getAttribute('data-join-url')
      expect(joinUrl).toBe(`${server.url}/join/${sessionId}`)
      await expect.poll(() => decodeQr(page), { timeout: 5000 }).toBe(joinUrl)
      // "seats kept for bots" is a warning the server sends with the session.
      expect(await page.textContent('[data-testid=session-warnings]')).toMatch(/kept for bots/)

      // Before the first round the join card sits on the stage, beside the network.
      expect((await onFirstScreen(page, '[data-testid=join-qr-code]')).inside).toBe(true)
      // Seat grid: four bot seats, replica 0 the primary.
      await expect.poll(() => page.locator('[data-testid=seat-grid] [data-seat]').count()).toBe(4)
      expect(await page.getAttribute('[data-seat="0"]', 'data-holder')).toBe('bot')
      await page.locator('[data-testid=host-dashboard][data-connection=connected]').waitFor({ timeout: 10_000 })

      await page.click('[data-testid=start-round]')
      const outcome = page.locator('[data-testid=round-outcome]')
      await outcome.waitFor({ timeout: 20_000 })
      expect(await outcome.getAttribute('data-success')).toBe('true')
      decidedRound = Number(await outcome.getAttribute('data-round'))
      expect(await page.textContent('[data-testid=decided-value]')).toContain('blue')
      // Counters: every replica committed with its 2/2 quorum (the primary counts the 3 prepares it got).
      expect(await page.textContent('[data-testid=commits-1]')).toMatch(/^\s*3\/2\s*$/)
      expect(await page.locator('[data-testid=replica-counters] tr[data-committed=true]').count()).toBe(4)
      // The message table holds the round's messages, by phase; after a success it opens on the commits.
      expect(await page.getAttribute('[data-testid=messages-tab-commit]', 'aria-selected')).toBe('true')
      expect(await page.locator('[data-testid=message-table] tbody tr').count()).toBe(12)
      await page.click('[data-testid=messages-tab-prepare]')
      expect(await page.locator('[data-testid=message-table] tbody tr').count()).toBe(9)
      // The stage's phase follows the table's tab, and the other way round.
      expect(await page.getAttribute('[data-testid=show-phase-prepare]', 'aria-pressed')).toBe('true')
      expect(await visibleText(page, '[data-testid=outcome-story]')).toContain('4 of 4 replicas committed “blue” (value A); 3 were needed.')
      await expect.poll(() => page.locator('[data-testid=round-history] [data-round]').count()).toBe(1)
      await screenshot(page, 'host-dashboard')

      // Live control: p goes to the server and comes back in the view.
      await page.evaluate(() => window.scrollTo(0, 0))
      await page.locator('[data-testid=rate-slider] [role=slider]').focus()
      await page.keyboard.press('ArrowLeft')
      await expect.poll(() => page.textContent('[data-testid=rate-value]'), { timeout: 5000 }).toMatch(/99/)

      // Reload: the token in localStorage brings the dashboard back with the full view.
      await page.reload()
      await page.locator('[data-testid=host-dashboard][data-connection=connected]').waitFor({ timeout: 10_000 })
      await page.locator('[data-testid=round-outcome][data-success=true]').waitFor({ timeout: 10_000 })
      // Once rounds run, the QR code is a chip in the corner: still the join link, still readable.
      expect(await page.getAttribute('[data-testid=qr-chip] [data-testid=join-qr-code]', 'data-join-url')).toBe(joinUrl)
      await expect.poll(() => decodeQr(page), { timeout: 5000 }).toBe(joinUrl)
      // The new p was applied by the server (it comes back with the view).
      expect(await page.textContent('[data-testid=rate-value]')).toMatch(/99/)
      // Usable on a small screen too: nothing wider than the viewport.
      await page.setViewportSize(PHONE)
      await expect.poll(() => fitsViewport(page)).toBe(true)
      await close()
    },
    90_000,
  )

  it(
    'replays that round on the history page: play to the end, with counters and the outcome',
    async () => {
      expect(sessionId).not.toBe('')
      const { page, close } = await openPage(browser, `${server.url}/history/${sessionId}`, DESKTOP)
      await page.locator(`[data-testid=pick-round-${decidedRound}][aria-pressed=true]`).waitFor({ timeout: 10_000 })
      await page.locator('[data-testid=replay-play]').waitFor()
      // 24 messages between the replicas, the client's REQUEST and the 4 REPLYs (the form plays views).
      expect(await page.textContent('[data-testid=replay-state]')).toMatch(/Message 0 of 29/)
      // The same stage as the dashboard's: the network first, the round list below.
      expect(await page.locator('[data-testid=round-stage] [data-testid=topology]').count()).toBe(1)
      await expectSettledAccessible(page, 'the history list with a round to replay')
      await page.click('[data-testid=replay-step]')
      expect(await page.textContent('[data-testid=replay-state]')).toMatch(/Message 1 of 29/)
      await page.click('[data-testid=replay-speed] [data-speed="4"]')
      await page.click('[data-testid=replay-play]')
      await page.locator('[data-testid=replay-state][data-state=finished]').waitFor({ timeout: 15_000 })
      expect(await page.locator('[data-testid=replica-counters] tr[data-committed=true]').count()).toBe(4)
      expect(await page.textContent('[data-testid=decided-value]')).toContain('blue')
      expect(await visibleText(page, '[data-testid=outcome-story]')).toContain('4 of 4 replicas committed “blue” (value A)')
      expect(await page.getAttribute('[data-testid=topology] [data-node="2"]', 'data-committed')).toBe('true')
      await screenshot(page, 'history-replay')
      await expectSettledAccessible(page, 'a replayed round')
      await close()
    },
    90_000,
  )

  it('asks for a session code on the history page, and says when one is not', async () => {
    const { page, close } = await openPage(browser, `${server.url}/history`, DESKTOP)
    await page.locator('#history-code').waitFor()
    await expectSettledAccessible(page, 'the history page without a session')
    await page.fill('#history-code', 'nope')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('[data-testid=code-problem]').textContent()).toMatch(/is not a session code/)
    expect(await page.getAttribute('#history-code', 'aria-invalid')).toBe('true')
    await expectSettledAccessible(page, 'the history page with a wrong code')
    await close()
  })
})
