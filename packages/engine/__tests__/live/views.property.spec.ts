/**
 * Safety across views, property-based (issue 13): thousands of random schedules of rounds with
 * views driven through LiveRound the way a room could drive them (see viewAdversary.ts).
 *
 * Reproducible as safety.property.spec.ts is: a fixed fast-check seed, FC_SEED and FC_RUNS to
 * explore others, e.g.
 *   FC_SEED=7 FC_RUNS=20000 pnpm exec vitest run --project engine packages/engine/__tests__/live/views.property.spec.ts
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RoundResult, TracedMessage } from '../../src/live/liveRound'
import type { QuorumRule } from '../../src/quorum'
import { describeViews, formatViewMessage, playViews, viewScenarioArb, type ViewScenario } from './viewAdversary'

const SEED = process.env.FC_SEED === undefined ? 20_250_613 : Number(process.env.FC_SEED)
const SCALE = process.env.FC_RUNS === undefined ? 1 : Number(process.env.FC_RUNS) / 3000
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE))
const TIMEOUT = { timeout: Math.max(1, SCALE) * 120_000 }

/** The original rule is safe with f Byzantine replicas only at N = 3f + 1; castro-liskov at every N >= 3f + 1. */
const RULES: [QuorumRule, readonly number[]][] = [
  ['original', [4, 7, 10]],
  ['castro-liskov', [4, 5, 6, 7, 8, 9, 10]],
]

/** The view of the COMMITs that made honest replica `id` decide (the first view in which it counted enough). */
function decisionView(result: RoundResult, id: number): number | null {
  const replica = result.replicas[id]
  if (replica?.decidedValue === null || replica === undefined) return null
  const commits = (result.trace ?? []).filter((m) => m.to === id && m.phase === 'commit' && m.counted && m.deliveredValue === replica.decidedValue)
  return commits[0]?.view ?? null
}

/** The messages behind honest replica `id`'s decision: what it counted in the view it decided in, and the view changes before. */
function evidenceFor(result: RoundResult, id: number): TracedMessage[] {
  const view = decisionView(result, id)
  return (result.trace ?? []).filter((m) => m.to === id && m.counted && (m.view === view || m.phase === 'new-view'))
}

describe.each(RULES)('safety across views with at most f Byzantine replicas, %s rule', (rule, sizes) => {
  it(`no two honest replicas ever decide different values, in any views; N in ${sizes.join(', ')}`, TIMEOUT, () => {
    let decided = 0
    let changedView = 0
    let decidedLater = 0
    let refused = 0
    let accepted = 0
    const property = fc.property(viewScenarioArb('at-most-f', sizes, rule), (scenario) => {
      const played = playViews(scenario, { trace: false })
      const { result } = played
      const byzantineDecidedNothing = result.replicas.every((r) => r.fault === 'honest' || r.decidedValue === null)
      const agree = !result.safetyViolation && result.decidedValues.length <= 1 && result.outcome !== 'safety-violated'
      // f + 1 matching REPLYs hold an honest one: the client accepts only what honest replicas decided.
      const clientRight = !result.clientAccepted || result.clientValue === result.decidedValue
      if (!agree || !byzantineDecidedNothing || !clientRight) {
        throw new Error(`safety violated with <= f Byzantine replicas\n${describeViews(scenario, playViews(scenario))}`)
      }
      if (result.decidedValue !== null) decided++
      if (result.viewChanges > 0) changedView++
      if (result.decidedValue !== null && result.viewChanges > 0) decidedLater++
      if (result.replicas.some((r) => r.newView?.accepted === false)) refused++
      if (result.clientAccepted) accepted++
    })
    const numRuns = runs(3000)
    fc.assert(property, { seed: SEED + (rule === 'original' ? 0 : 10), numRuns })
    // Not vacuous: rounds decided, changed view, decided after a view change, refused NEW-VIEWs.
    expect(decided).toBeGreaterThan(numRuns * 0.2)
    expect(changedView).toBeGreaterThan(numRuns * 0.2)
    expect(decidedLater).toBeGreaterThan(numRuns * 0.05)
    expect(refused).toBeGreaterThan(numRuns * 0.01)
    expect(accepted).toBeGreaterThan(numRuns * 0.1)
  })
})

describe.each(RULES)('with f + 1 colluding Byzantine replicas, %s rule', (rule, sizes) => {
  it('fast-check finds two honest replicas deciding differently, and the test prints the counterexample with its messages', TIMEOUT, () => {
    const noViolation = fc.property(viewScenarioArb('f-plus-one', sizes.slice(0, 2), rule), (scenario) => !playViews(scenario, { trace: false }).result.safetyViolation)
    const details = fc.check(noViolation, { seed: SEED + 20 + (rule === 'original' ? 0 : 10), numRuns: runs(2000) })
    expect(details.failed, `no violation found in ${details.numRuns} runs`).toBe(true)
    const scenario: ViewScenario | undefined = details.counterexample?.[0]
    if (scenario === undefined) throw new Error('fast-check reported a failure without a counterexample')
    const played = playViews(scenario)
    const { result } = played
    const deciders = result.replicas.filter((r) => r.fault === 'honest' && r.decidedValue !== null)
    const first = deciders[0]
    const other = deciders.find((r) => r.decidedValue !== first?.decidedValue)
    const evidence = [first, other].flatMap((r) =>
      r === undefined ? [] : [`replica ${r.id} decided ${r.decidedValue} in view ${decisionView(result, r.id)} on:`, ...evidenceFor(result, r.id).map((m) => `  ${formatViewMessage(m)}`)],
    )
    const report = [
      `counterexample after ${details.numRuns} runs (fast-check seed ${details.seed}, path ${details.counterexamplePath}):`,
      describeViews(scenario, played),
      ...evidence,
    ].join('\n')
    console.info(report)
    expect(result.safetyViolation, report).toBe(true)
    expect(result).toMatchObject({ outcome: 'safety-violated', success: false, decidedValue: null })
    expect(first, report).toBeDefined()
    expect(other, report).toBeDefined()
    expect(scenario.faults.filter((kind) => kind !== 'honest').length, report).toBe(result.f + 1)
    // The trace accounts for every message, the client's included.
    expect(result.trace?.length, report).toBe(result.messages.sent + result.clientMessages.sent)
  })
})

describe('determinism across views', () => {
  it('the same seed and schedule give the same result, message for message; the trace changes nothing', TIMEOUT, () => {
    const property = fc.property(
      fc.oneof(viewScenarioArb('at-most-f', [4, 7], 'castro-liskov'), viewScenarioArb('f-plus-one', [4], 'original')),
      (scenario) => {
        const once = playViews(scenario)
        const again = playViews(structuredClone(scenario))
        expect(JSON.stringify(again.result)).toBe(JSON.stringify(once.result))
        expect(again.steps).toEqual(once.steps)
        const { trace: _trace, ...withoutTrace } = once.result
        expect(JSON.stringify(playViews(scenario, { trace: false }).result)).toBe(JSON.stringify(withoutTrace))
      },
    )
    fc.assert(property, { seed: SEED + 2, numRuns: runs(200) })
  })
})

describe('with f + 1 colluding Byzantine replicas, safety is lost', () => {
  it('fast-check finds two honest replicas deciding different values and prints the messages behind each decision', TIMEOUT, () => {
    const violated = (scenario: ViewScenario): boolean => playViews(scenario).result.safetyViolation
    const property = fc.property(viewScenarioArb('f-plus-one', [4], 'castro-liskov'), (scenario) => !violated(scenario))
    const details = fc.check(property, { seed: SEED + 40, numRuns: runs(3000) })
    expect(details.failed, `no violation found in ${details.numRuns} runs`).toBe(true)
    const scenario: ViewScenario | undefined = details.counterexample?.[0]
    if (scenario === undefined) throw new Error('fast-check reported a failure without a counterexample')
    const played = playViews(scenario)
    const { result } = played
    const deciders = result.replicas.filter((r) => r.fault === 'honest' && r.decidedValue !== null)
    const report = [
      `counterexample after ${details.numRuns} runs (fast-check seed ${details.seed}, path ${details.counterexamplePath}):`,
      describeViews(scenario, played),
      ...deciders.flatMap((r) => [
        `replica ${r.id} decided ${r.decidedValue} in view ${decisionView(result, r.id)} on:`,
        ...evidenceFor(result, r.id).map((m) => `  ${formatViewMessage(m)}`),
      ]),
    ].join('\n')
    console.info(report)
    expect(new Set(deciders.map((r) => r.decidedValue)).size, report).toBeGreaterThan(1)
    // Our adversary does not yet hide a prepared certificate from a view change, so the split it
    // finds is within one view; a split across views needs a smarter adversary (decisions.md).
  })
})
