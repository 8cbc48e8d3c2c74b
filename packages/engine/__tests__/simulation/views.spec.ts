import { describe, expect, it } from 'vitest'
import { runSweep, simulateParallel } from '../../src/node'
import type { QuorumRule } from '../../src/quorum'
import { simulate, type SimulateOptions, type SimulationResult } from '../../src/simulation/simulate'
import { sweep } from '../../src/simulation/sweep'
import { clientAcceptProbability } from '../../src/theory/successProbability'

/**
 * Results of main before views (the same runs as the CLI's `--views 1` test): a fast-path run,
 * a message-level castro-liskov run and two with Byzantine replicas. K = 1 must keep them bit for bit.
 */
const BEFORE_VIEWS: readonly { options: SimulateOptions; expected: Partial<SimulationResult> }[] = [
  {
    options: { nodes: 10, p: 0.9, rounds: 20_000, seed: 7 },
    expected: {
      successes: 11521,
      ci95: [0.5691871428078417, 0.5828836485080247],
      failures: { 'pre-prepare': 180, prepare: 4974, commit: 3325 },
      safetyViolations: 0,
      meanMessages: { sent: 131.425, delivered: 118.2751, dropped: 13.1499, rejected: 0 },
      path: 'fast',
    },
  },
  {
    options: { nodes: 7, p: 0.85, rounds: 3000, seed: 42, path: 'message', quorumRule: 'castro-liskov' },
    expected: {
      successes: 1513,
      failures: { 'pre-prepare': 139, prepare: 658, commit: 690 },
      meanMessages: { sent: 58.75833333333333, delivered: 49.944, dropped: 8.814333333333334, rejected: 0 },
      path: 'message',
    },
  },
  {
    options: { nodes: 7, p: 0.95, rounds: 2000, seed: 11, faults: { 0: 'equivocate', 3: 'silent' }, authentication: false },
    expected: {
      successes: 0,
      failures: { 'pre-prepare': 418, prepare: 1582, commit: 0 },
      meanMessages: { sent: 33.708, delivered: 32.052, dropped: 1.656, rejected: 0 },
    },
  },
  {
    options: { nodes: 4, p: 0.9, rounds: 3000, seed: 5, faults: { 2: 'wrong-value' }, quorumRule: 'castro-liskov' },
    expected: {
      successes: 845,
      ci95: [0.2658577455273071, 0.29803401841608523],
      failures: { 'pre-prepare': 581, prepare: 864, commit: 710 },
      meanMessages: { sent: 18.783, delivered: 16.887333333333334, dropped: 1.8956666666666666, rejected: 0 },
    },
  },
]

describe('simulate with views: K = 1 is the round of before views', () => {
  it.each(BEFORE_VIEWS)('keeps every figure bit for bit ($options.nodes replicas, seed $options.seed)', ({ options, expected }) => {
    const implicit = simulate(options)
    expect(implicit).toMatchObject(expected)
    expect(implicit).toMatchObject({ views: 1, meanViews: 1 })
    expect(simulate({ ...options, views: 1 })).toEqual(implicit)
    // More views only add rounds' later views: a round decided in view 0 is the same round.
    expect(simulate({ ...options, views: 3 }).successes).toBeGreaterThanOrEqual(implicit.successes)
  })
})

describe('the client (metric B) agrees with its exact value within 5 sigma, all honest, K = 1', () => {
  const cases: [number, number, QuorumRule, 'fast' | 'message', number][] = [
    [4, 0.9, 'original', 'fast', 40_000],
    [7, 0.8, 'original', 'fast', 40_000],
    [10, 0.95, 'original', 'fast', 40_000],
    [4, 0.9, 'castro-liskov', 'fast', 40_000],
    [7, 0.85, 'castro-liskov', 'fast', 40_000],
    [4, 0.9, 'original', 'message', 8000],
    [7, 0.9, 'original', 'message', 8000],
    [5, 0.85, 'castro-liskov', 'message', 8000],
    [10, 0.9, 'castro-liskov', 'message', 4000],
  ]
  it.each(cases)('N = %i, p = %f, %s rule, %s path', (nodes, p, quorumRule, path, rounds) => {
    const result = simulate({ nodes, p, quorumRule, path, rounds, seed: 13 })
    const exact = clientAcceptProbability(nodes, p, quorumRule)
    const sigma = Math.sqrt((exact * (1 - exact)) / rounds)
    expect(exact).toBeGreaterThan(0.05)
    expect(exact).toBeLessThan(0.995)
    expect(result.path).toBe(path)
    expect(Math.abs(result.clientAcceptRate - exact), `${result.clientAcceptRate} vs ${exact}`).toBeLessThan(5 * sigma)
    expect(result.clientAccepts).toBe(Math.round(result.clientAcceptRate * rounds))
  })
})

describe('meanViews', () => {
  it.each(['original', 'castro-liskov'] as const)('is 1 when every replica is honest and p = 1 (%s rule)', (quorumRule) => {
    for (const nodes of [4, 7, 10]) {
      const result = simulate({ nodes, p: 1, rounds: 200, seed: 3, views: 3, quorumRule })
      expect(result).toMatchObject({ successRate: 1, meanViews: 1, clientAcceptRate: 1, views: 3, path: 'message' })
    }
  })

  it('is 2 with replica 0 silent at p = 1 under castro-liskov: every round decides in view 1 (N = 4, 5, 7)', () => {
    for (const nodes of [4, 5, 7]) {
      for (const views of [2, 3]) {
        const result = simulate({ nodes, p: 1, rounds: 100, seed: 3, views, faults: { 0: 'silent' }, quorumRule: 'castro-liskov' })
        expect(result, `N = ${nodes}, K = ${views}`).toMatchObject({ successRate: 1, meanViews: 2, clientAcceptRate: 1, safetyViolations: 0 })
      }
    }
    // One view cannot replace the primary: nothing is decided, the round used its one view.
    expect(simulate({ nodes: 4, p: 1, rounds: 100, seed: 3, faults: { 0: 'silent' }, quorumRule: 'castro-liskov' })).toMatchObject({
      successes: 0,
      meanViews: 1,
      clientAcceptRate: 0,
    })
  })

  it('under the original rule N = 4 with replica 0 silent never decides (2f = 2 PREPAREs from others cannot come): every view is used', () => {
    for (const views of [2, 3, 4]) {
      const result = simulate({ nodes: 4, p: 1, rounds: 100, seed: 3, views, faults: { 0: 'silent' } })
      expect(result).toMatchObject({ successes: 0, safetyViolations: 0, meanViews: views, clientAcceptRate: 0 })
      // Every round ends without a decision (its phase counts replicas prepared in any view).
      expect(Object.values(result.failures).reduce((sum, count) => sum + count, 0)).toBe(100)
    }
    // With one more replica the rule's 2f PREPAREs come again: view 1 decides.
    expect(simulate({ nodes: 5, p: 1, rounds: 100, seed: 3, views: 3, faults: { 0: 'silent' } })).toMatchObject({ successRate: 1, meanViews: 2 })
  })

  it('is 3 with replicas 0 and 1 silent at N = 7 under castro-liskov (two faulty primaries in a row)', () => {
    const options = { nodes: 7, p: 1, rounds: 100, seed: 3, faults: { 0: 'silent', 1: 'silent' }, quorumRule: 'castro-liskov' } as const
    expect(simulate({ ...options, views: 3 })).toMatchObject({ successRate: 1, meanViews: 3, clientAcceptRate: 1 })
    expect(simulate({ ...options, views: 2 })).toMatchObject({ successes: 0, meanViews: 2 })
  })
})

describe('views cross to worker threads', () => {
  // Worker threads take a few hundred ms each to start, more on a loaded machine.
  it('simulateParallel and runSweep give the in-thread results with K views, bit for bit', { timeout: 60_000 }, async () => {
    const options = { nodes: 4, p: 0.9, rounds: 6000, seed: 5, views: 3, faults: { 0: 'silent' as const }, quorumRule: 'castro-liskov' as const }
    const inThread = simulate(options)
    expect(inThread.views).toBe(3)
    expect(inThread.meanViews).toBeGreaterThan(2)
    expect(await simulateParallel({ ...options, workers: 2, parallelThreshold: 0 })).toEqual(inThread)
    expect(await simulateParallel({ ...options, workers: 2 })).toEqual(inThread)
    const grid = { nodes: [4, 5], ps: [0.9], rounds: 3000, seed: 8, views: 2 }
    const points = await runSweep({ ...grid, parallelThreshold: 0, workers: 2 })
    expect(points).toEqual(sweep(grid))
    expect(points.map((point) => point.views)).toEqual([2, 2])
  })
})
