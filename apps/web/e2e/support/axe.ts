import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'

/** axe-core's browser bundle, read once: injected as a script, so no test depends on a CDN. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** One axe finding, reduced to what a failing test should print. */
export interface AxeFinding {
  id: string
  impact: string | null
  help: string
  /** CSS selectors of the offending nodes (at most five). */
  targets: string[]
}

interface AxeResultsShape {
  violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[]
}

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page as it is now and returns the serious
 * and critical violations. `exclude` lists selectors left out (e.g. a third-party canvas).
 */
export async function seriousA11yViolations(page: Page, exclude: string[] = []): Promise<AxeFinding[]> {
  const hasAxe = await page.evaluate(() => 'axe' in globalThis)
  // Evaluated through the DevTools protocol, which the app's CSP (script-src 'self') does not
  // govern; an inline <script> tag would be refused, and rightly so.
  if (!hasAxe) await page.evaluate(AXE_SOURCE)
  // Element's buttons fade their colours over 0.1 s; axe sampling a button half-way from its
  // disabled tint to its final colour reported a contrast failure no user sees. Finish every
  // running transition and animation first, so axe judges the colours that stay on screen.
  await page.evaluate(() => {
    for (const animation of document.getAnimations()) if (animation.effect?.getComputedTiming().iterations !== Infinity) animation.finish()
  })
  const results = await page.evaluate(
    async ({ exclude }) => {
      const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } }).axe
      const context = exclude.length > 0 ? { exclude: exclude.map((selector) => [selector]) } : document
      return axe.run(context, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
    },
    { exclude },
  )
  return (results as AxeResultsShape).violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      targets: violation.nodes.slice(0, 5).map((node) => node.target.map(String).join(' ')),
    }))
}

/** Throws with a readable list when axe finds a serious or critical violation. */
export async function expectAccessible(page: Page, state: string, exclude: string[] = []): Promise<void> {
  const findings = await seriousA11yViolations(page, exclude)
  if (findings.length === 0) return
  const lines = findings.map((finding) => `- ${finding.id} (${finding.impact}): ${finding.help}\n    ${finding.targets.join('\n    ')}`)
  throw new Error(`axe found ${findings.length} serious/critical violation(s) on ${state}:\n${lines.join('\n')}`)
}
