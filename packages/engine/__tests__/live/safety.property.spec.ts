/**
 * Safety of a PBFT round, property-based: thousands of random fault schedules driven through
 * LiveRound the way a room of humans could drive it (any order, timeouts, Byzantine replicas
 * choosing any value per recipient, tampering, skipping). See adversary.ts for the schedules.
 *
 * Reproducibility: every fc.assert / fc.check runs with a fixed fast-check seed, so CI sees the
 * same thousands of schedules on every run and a failure is replayed exactly. To explore other
 * schedules locally, set FC_SEED (and FC_RUNS to scale the number of runs), e.g.
 *   FC_SEED=123 FC_RUNS=20000 pnpm exec vitest run --project engine \
 *     packages/engine/__tests__/live/safety.property.spec.ts
 * A failure prints fast-check's seed and counterexample path; pass them back as
 * `{ seed, path }` to replay just that case.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RoundResult } from '../../src/live/liveRound'
import type { QuorumRule } from '../../src/quorum'
import { ALL_SIZES, countedFor, describeRun, formatMessage, play, scenarioArb, SIZES, type Scenario } from './adversary'

const SEED = process.env.FC_SEED === undefined ? 20_250_311 : Number(process.env.FC_SEED)
const SCALE = process.env.FC_RUNS === undefined ? 1 : Number(process.env.FC_RUNS) / 2000
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE))
// Each test takes 0.1 to 6 s on a loaded 2-core machine; the margin is for loaded CI machines and FC_RUNS exploration.
const TIMEOUT = { timeout: Math.max(1, SCALE) * 60_000 }

/**
 * Why honest replica `id` decided what it did, checked against the trace. Returns the voters
 * it counted and its prepare certificate: those PREPARE senders, plus under castro-liskov the
 * primary (its pre-prepare) and the replica itself once it sent its own vote.
 */
function checkDecision(result: RoundResult, id: number, context: string): { prepare: number[]; commit: number[]; certificate: number[] } {
  const replica = result.replicas[id]
  const decided = replica?.decidedValue ?? null
  expect(decided, context).not.toBeNull()
  expect(replica?.acceptedValue, context).toBe(decided)
  const counted = countedFor(result, id)
  expect(
    counted.every((m) => m.status === 'delivered' && m.deliveredValue === decided),
    `${context}\nreplica ${id} counted a message without its decided value ${decided}`,
  ).toBe(true)
  const senders = (phase: string): number[] => counted.filter((m) => m.phase === phase).map((m) => m.from)
  // A backup accepted the primary's pre-prepare; an honest primary accepted its own proposal.
  expect(senders('pre-prepare'), context).toEqual(id === 0 ? [] : [0])
  const prepare = senders('prepare')
  const commit = senders('commit')
  // Distinct senders, as many as the rule asks for, exactly those the replica's own counters hold.
  expect(new Set(prepare).size, context).toBe(prepare.length)
  expect(new Set(commit).size, context).toBe(commit.length)
  expect(prepare.length, context).toBeGreaterThanOrEqual(replica?.prepareQuorum ?? Infinity)
  expect(commit.length, context).toBeGreaterThanOrEqual(replica?.commitQuorum ?? Infinity)
  if (result.quorumRule === 'original') expect(replica?.prepareQuorum, context).toBe(2 * result.f)
  else expect(prepare, context).not.toContain(0)
  expect([...prepare].sort((a, b) => a - b), context).toEqual(replica?.prepareSenders)
  expect([...commit].sort((a, b) => a - b), context).toEqual(replica?.commitSenders)
  const own = replica?.ownPrepareCounted === true ? [id] : []
  const certificate = result.quorumRule === 'original' ? [id, ...prepare] : [...new Set([0, ...own, ...prepare])]
  return { prepare, commit, certificate }
}

const RULES: [QuorumRule, readonly number[]][] = [
  ['original', SIZES],
  ['castro-liskov', ALL_SIZES],
]

// The original rule is safe with f Byzantine replicas only at N = 3f + 1; castro-liskov at every N >= 3f + 1.
describe.each(RULES)('safety with at most f Byzantine replicas, %s rule', (rule, sizes) => {
  it(`no two honest replicas ever decide different values, whatever the humans do, N in ${sizes.join(', ')}`, TIMEOUT, () => {
    let decided = 0
    let byzantineRuns = 0
    let timeouts = 0
    const property = fc.property(scenarioArb('at-most-f', sizes, rule), (scenario) => {
      const played = play(scenario, { trace: false })
      const { result } = played
      const agree = !result.safetyViolation && result.decidedValues.length <= 1
      const byzantineDecidedNothing = result.replicas.every((r) => r.fault === 'honest' || r.decidedValue === null)
      if (!agree || !byzantineDecidedNothing || result.outcome === 'safety-violated') {
        // Keep the failure: a violation here is an engine bug (see the README's safety claim).
        throw new Error(`safety violated with <= f Byzantine replicas\n${describeRun(scenario, played)}`)
      }
      if (result.decidedValue !== null) decided++
      if (scenario.faults.some((kind) => kind !== 'honest')) byzantineRuns++
      if (played.steps.some((step) => step.includes('timeout'))) timeouts++
    })
    fc.assert(property, { seed: SEED + (rule === 'original' ? 0 : 10), numRuns: runs(3000) })
    // Not vacuous: many rounds decided, most had Byzantine replicas, many phases timed out.
    expect(decided).toBeGreaterThan(runs(3000) * 0.2)
    expect(byzantineRuns).toBeGreaterThan(runs(3000) * 0.6)
    expect(timeouts).toBeGreaterThan(runs(3000) * 0.2)
  })

  it('honest deciders can always account for their decision in the trace', TIMEOUT, () => {
    // A smaller run with the trace on: every honest decision rests on counted, authentic
    // messages carrying the decided value, from 2f distinct others per phase.
    let decisions = 0
    const property = fc.property(scenarioArb('at-most-f', rule === 'original' ? [4, 7] : [4, 5, 7], rule), (scenario) => {
      const played = play(scenario)
      const context = describeRun(scenario, played)
      for (const replica of played.result.replicas) {
        if (replica.fault !== 'honest' || replica.decidedValue === null) continue
        checkDecision(played.result, replica.id, context)
        decisions++
      }
    })
    fc.assert(property, { seed: SEED + 1 + (rule === 'original' ? 0 : 10), numRuns: runs(300) })
    expect(decisions).toBeGreaterThan(runs(300) / 2)
  })
})

describe('the original rule at N = 5 (> 3f + 1): one equivocating primary is enough', () => {
  it('fast-check finds honest replicas committing two values; the round is safety-violated, never a success', TIMEOUT, () => {
    const noViolation = fc.property(scenarioArb('at-most-f', [5], 'original'), (scenario) => {
      const { result } = play(scenario, { trace: false })
      return !result.safetyViolation
    })
    const details = fc.check(noViolation, { seed: SEED + 5, numRuns: runs(2000) })
    expect(details.failed, `no violation found in ${details.numRuns} runs`).toBe(true)
    const scenario: Scenario | undefined = details.counterexample?.[0]
    if (scenario === undefined) throw new Error('fast-check reported a failure without a counterexample')
    const played = play(scenario)
    const summary = describeRun(scenario, played)
    expect(scenario.faults.filter((kind) => kind !== 'honest').length, summary).toBeLessThanOrEqual(1)
    expect(played.result, summary).toMatchObject({ outcome: 'safety-violated', success: false, decidedValue: null })
    expect(played.result.failure?.reason, summary).toMatch(/^safety: honest replicas committed /)
    // The same schedule under castro-liskov keeps the honest replicas together.
    expect(play({ ...scenario, quorumRule: 'castro-liskov' }).result.safetyViolation, summary).toBe(false)
  })
})

describe.each(RULES)('with f + 1 colluding Byzantine replicas (the primary among them), safety breaks, %s rule', (rule) => {
  it.each(SIZES)('fast-check finds two honest replicas deciding differently, N = %i', TIMEOUT, (nodes) => {
    const noViolation = fc.property(
      scenarioArb('f-plus-one', [nodes], rule),
      (scenario) => !play(scenario, { trace: false }).result.safetyViolation,
    )
    const details = fc.check(noViolation, { seed: SEED + nodes + (rule === 'original' ? 0 : 10), numRuns: runs(1000) })
    expect(details.failed, `no violation found in ${details.numRuns} runs at N = ${nodes}`).toBe(true)
    const scenario: Scenario | undefined = details.counterexample?.[0]
    if (scenario === undefined) throw new Error('fast-check reported a failure without a counterexample')

    // Replay the (shrunk) counterexample with the trace on: the trace is the evidence.
    const played = play(scenario)
    const { result } = played
    const honestDeciders = result.replicas.filter((r) => r.fault === 'honest' && r.decidedValue !== null)
    const first = honestDeciders[0]
    const other = honestDeciders.find((r) => r.decidedValue !== first?.decidedValue)
    const evidence = [first, other].flatMap((r) => {
      if (r === undefined) return []
      const counted = countedFor(result, r.id).map((m) => `  ${formatMessage(m)}`)
      return [`replica ${r.id} decided ${r.decidedValue} on:`, ...counted]
    })
    const summary = [
      `counterexample after ${details.numRuns} runs ` +
        `(fast-check seed ${details.seed}, path ${details.counterexamplePath}):`,
      describeRun(scenario, played),
      ...evidence,
    ].join('\n')

    expect(result.safetyViolation, summary).toBe(true)
    expect(result.outcome, summary).toBe('safety-violated')
    expect(result.success, summary).toBe(false)
    expect(result.decidedValue, summary).toBeNull()
    expect(result.decidedValues.length, summary).toBeGreaterThanOrEqual(2)
    expect(first, summary).toBeDefined()
    expect(other, summary).toBeDefined()
    if (first === undefined || other === undefined) return
    expect(first.decidedValue, summary).not.toBe(other.decidedValue)

    // Each decision is backed by counted messages carrying exactly the decided value.
    const a = checkDecision(result, first.id, summary)
    const b = checkDecision(result, other.id, summary)
    // Why it breaks: the two prepare certificates overlap only in Byzantine replicas, which
    // told each side a different story. With <= f of them some honest replica would be in
    // the overlap, and an honest replica prepares one value only.
    const quorumA = new Set(a.certificate)
    const overlap = b.certificate.filter((id) => quorumA.has(id))
    expect(overlap.length, summary).toBeGreaterThanOrEqual(1)
    expect(overlap.every((id) => scenario.faults[id] !== 'honest'), summary).toBe(true)
    // The primary's vote in a castro-liskov certificate is its pre-prepare, not a PREPARE.
    for (const id of overlap.filter((voter) => !(rule === 'castro-liskov' && voter === 0))) {
      const told = (to: number): string | null | undefined =>
        result.trace?.find((m) => m.phase === 'prepare' && m.from === id && m.to === to && m.counted)?.deliveredValue
      expect(told(first.id), summary).toBe(first.decidedValue)
      expect(told(other.id), summary).toBe(other.decidedValue)
    }
    // The trace is complete: it accounts for every message counted.
    const { sent, delivered, dropped, rejected } = result.messages
    expect(result.trace?.length, summary).toBe(sent)
    expect(sent, summary).toBe(delivered + dropped)
    expect(result.trace?.filter((m) => m.status === 'rejected').length, summary).toBe(rejected)
  })
})

describe('determinism', () => {
  it('the same seed and the same schedule always give the same result, message for message', TIMEOUT, () => {
    const adversaries = fc.oneof(
      scenarioArb('at-most-f'),
      scenarioArb('f-plus-one'),
      scenarioArb('at-most-f', ALL_SIZES, 'castro-liskov'),
    )
    const property = fc.property(adversaries, (scenario) => {
      const once = play(scenario)
      const again = play(structuredClone(scenario))
      expect(JSON.stringify(again.result)).toBe(JSON.stringify(once.result))
      expect(JSON.stringify(again.sent)).toBe(JSON.stringify(once.sent))
      expect(again.steps).toEqual(once.steps)
      // The trace is a record, not an input: switching it off changes nothing else.
      const { trace: _trace, ...withoutTrace } = once.result
      expect(JSON.stringify(play(scenario, { trace: false }).result)).toBe(JSON.stringify(withoutTrace))
    })
    fc.assert(property, { seed: SEED + 2, numRuns: runs(300) })
  })
})
