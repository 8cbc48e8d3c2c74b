import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './support/browser'
import { createSession, expectSettledAccessible, ENGINE_NOTATION, ENGLISH_RUN, onFirstScreen, openDashboard, projectorShot, visibleText } from './support/hostPage'
import { startServer, type RunningServer } from './support/server'

/**
 * The projector during and after a round: the network, the phase, the counters and the outcome
 * on the first screen of 1280×720 and 1920×1080 projectors, the outcome told in words (in
 * English and in Chinese, without the engine's notation), the message list on the failed phase.
 */

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

const PROJECTORS = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const

/** What must be on the first screen, without scrolling. */
const STAGE_PARTS = ['[data-testid=stage-network]', '[data-testid=phase-strip]', '[data-testid=quorum-bars]']

async function expectOnFirstScreen(page: Page, selectors: string[], state: string): Promise<void> {
  for (const selector of selectors) {
    const { inside, box } = await onFirstScreen(page, selector)
    expect(inside, `${selector} ${state}: ${JSON.stringify(box)}`).toBe(true)
  }
}

describe('the round stage on a projector', () => {
  for (const viewport of PROJECTORS) {
    for (const locale of ['en', 'zh-CN'] as const) {
      const name = `${viewport.width}x${viewport.height}-${locale}`
      it(`${name}: network, phase, counters and outcome fill the first screen; the outcome says why in words`, async () => {
        // N = 4 with replica 3 silent: the example, "prepare: Np=1 < N-f=3" in the engine's words.
        // One view: the original rule never decides it, and its story is the classic round's.
        const session = await createSession(server, {
          nodeCount: 4,
          maxViews: 1,
          faults: { 3: 'silent' },
          pacingMs: 700,
          phaseTimeoutMs: 8000,
          phaseGapMs: 600,
          proposalContent: 'blue',
        })
        const { page, close } = await openDashboard(browser, server, session, viewport, locale)
        await expectOnFirstScreen(page, ['[data-testid=stage-network]', '[data-testid=join-qr-code]'], 'before the round')
        await projectorShot(page, `stage-before-${name}`)

        await page.click('[data-testid=start-round]')
        await page.locator('[data-testid=host-dashboard][data-status=running]').waitFor({ timeout: 10_000 })
        await page.locator('[data-testid=round-phase][data-phase=prepare]').waitFor({ timeout: 10_000 })
        await expectOnFirstScreen(page, [...STAGE_PARTS, '[data-testid=qr-chip]'], 'during the round')
        await projectorShot(page, `stage-during-${name}`)

        const outcome = page.locator('[data-testid=round-outcome]')
        await outcome.waitFor({ timeout: 20_000 })
        await expectOnFirstScreen(page, [...STAGE_PARTS, '[data-testid=round-outcome]'], 'after the round')
        expect(await outcome.getAttribute('data-verdict')).toBe('failure')
        expect(await outcome.getAttribute('data-failure-phase')).toBe('prepare')

        // Why, in words: no engine notation anywhere a person reads (it waits in "details").
        const story = await visibleText(page, '[data-testid=outcome-story]')
        expect(await visibleText(page)).not.toMatch(ENGINE_NOTATION)
        if (locale === 'en') {
          expect(story).toContain('Byzantine replica 3 stayed silent, so replicas 1 and 2 each saw only 1 of the 2 prepares they needed.')
        } else {
          expect(story).toContain('拜占庭副本 3 保持沉默')
          expect(await visibleText(page, '[data-testid=round-outcome]')).not.toMatch(ENGLISH_RUN)
        }
        await page.click('[data-testid=outcome-details] summary')
        expect(await visibleText(page, '[data-testid=outcome-details]')).toContain('prepare: Np=1 < N-f=3')
        await page.click('[data-testid=outcome-details] summary')

        // The graph keeps the story: committed/accepted values as letters, the failed phase's messages as lines.
        await expect.poll(() => page.locator('[data-testid=topology] [data-node="1"]').getAttribute('data-value')).toBe('A')
        // Replicas 1 and 2 each send their prepare to the two others that hold the proposal (0 and the other).
        expect(await page.locator('[data-testid=topology] .link[data-status=delivered]').count()).toBe(4)
        expect(await page.getAttribute('[data-testid=show-phase-prepare]', 'aria-pressed')).toBe('true')
        // The message list opens on the phase that failed.
        expect(await page.getAttribute('[data-testid=messages-tab-prepare]', 'aria-selected')).toBe('true')
        await projectorShot(page, `stage-after-${name}`)
        await expectSettledAccessible(page, `the dashboard after a failed round (${name})`)
        await close()
      })
    }
  }

  it('a safety violation is its own red state, never “Consensus reached”', async () => {
    // Replicas 0 and 1 equivocate together (more than f = 1): replicas 2 and 3 commit different values.
    const session = await createSession(server, { nodeCount: 4, maxViews: 1, faults: { 0: 'equivocate', 1: 'equivocate' }, pacingMs: 20, phaseTimeoutMs: 4000, phaseGapMs: 20, proposalContent: 'blue' })
    const { page, close } = await openDashboard(browser, server, session, PROJECTORS[0])
    await page.click('[data-testid=start-round]')
    const outcome = page.locator('[data-testid=round-outcome]')
    await outcome.waitFor({ timeout: 20_000 })
    expect(await outcome.getAttribute('data-verdict')).toBe('safety')
    expect(await outcome.getAttribute('data-success')).toBe('false')
    const text = await visibleText(page, '[data-testid=round-outcome]')
    expect(text).toContain('Safety violated')
    expect(text).not.toContain('Consensus reached')
    expect(text).toMatch(/A\s+blue\s+committed by replica 2/)
    expect(text).toMatch(/B\s+blue′\s+committed by replica 3/)
    expect(text).toContain('Replicas 0 and 1 sent different values to different replicas')
    await expectOnFirstScreen(page, ['[data-testid=stage-network]', '[data-testid=round-outcome]'], 'after a safety violation')
    await projectorShot(page, 'stage-safety-1280x720-en')
    await expectSettledAccessible(page, 'the dashboard after a safety violation')
    await close()
  })
})
