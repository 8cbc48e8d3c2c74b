import { describe, expect, it } from 'vitest'
import { runSweep, simulateParallel } from '../../src/node'
import { QUORUM_RULES } from '../../src/quorum'
import { simulate } from '../../src/simulation/simulate'
import { sweep } from '../../src/simulation/sweep'
import { successProbability } from '../../src/theory/successProbability'
import { wilson } from '../../src/simulation/wilson'

/**
 * Monte-Carlo against the exact theory under both quorum rules, both paths: the exact value
 * lies in the z = 5 Wilson interval (a false failure once in ~1.7 million checks).
 */
function expectWithin5Sigma(successes: number, rounds: number, exact: number, where: string): void {
  const [low, high] = wilson(successes, rounds, 5)
  expect(exact, `${where}: ${successes}/${rounds} vs ${exact}`).toBeGreaterThanOrEqual(low)
  expect(exact, `${where}: ${successes}/${rounds} vs ${exact}`).toBeLessThanOrEqual(high)
}

const POINTS: [number, number][] = [
  [4, 0.9],
  [5, 0.8],
  [5, 0.95],
  [7, 0.9],
  [10, 0.95],
  [13, 0.85],
]

describe.each(QUORUM_RULES)('simulate under the %s rule', (quorumRule) => {
  it.each(POINTS)('the fast path matches the exact value at N = %i, p = %d', (nodes, p) => {
    const result = simulate({ nodes, p, rounds: 200_000, seed: 101, path: 'fast', quorumRule })
    expect(result).toMatchObject({ path: 'fast', quorumRule, safetyViolations: 0 })
    expectWithin5Sigma(result.successes, result.rounds, successProbability(nodes, p, quorumRule), `fast N=${nodes} p=${p}`)
  })

  it.each(POINTS)('the message path matches the exact value at N = %i, p = %d', (nodes, p) => {
    const result = simulate({ nodes, p, rounds: 40_000, seed: 202, path: 'message', quorumRule })
    expect(result).toMatchObject({ path: 'message', quorumRule, safetyViolations: 0 })
    expectWithin5Sigma(result.successes, result.rounds, successProbability(nodes, p, quorumRule), `message N=${nodes} p=${p}`)
  })

  it('with silent backups, the message path matches the theory with k silent backups', () => {
    for (const [nodes, silent, p] of [[4, 1, 0.9], [7, 2, 0.95], [10, 1, 0.9]] as const) {
      const faults = Object.fromEntries(Array.from({ length: silent }, (_, i) => [nodes - 1 - i, 'silent' as const]))
      const result = simulate({ nodes, p, rounds: 40_000, seed: 303, faults, quorumRule })
      const exact = successProbability(nodes, p, { quorumRule, silentBackups: silent })
      expectWithin5Sigma(result.successes, result.rounds, exact, `N=${nodes} k=${silent} p=${p}`)
    }
  })
})

describe('the rules side by side', () => {
  it('the original rule never succeeds at N = 4 with one silent backup, castro-liskov always at p = 1', () => {
    const faults = { 3: 'silent' as const }
    expect(simulate({ nodes: 4, p: 1, rounds: 1000, seed: 1, faults }).successes).toBe(0)
    expect(simulate({ nodes: 4, p: 1, rounds: 1000, seed: 1, faults, quorumRule: 'castro-liskov' }).successes).toBe(1000)
  })

  it('castro-liskov succeeds more often on the same seed, sending at least as many messages', () => {
    const base = { nodes: 7, p: 0.9, rounds: 5000, seed: 9, path: 'message' as const }
    const original = simulate(base)
    const castroLiskov = simulate({ ...base, quorumRule: 'castro-liskov' })
    expect(castroLiskov.meanMessages.sent).toBeGreaterThanOrEqual(original.meanMessages.sent)
    expect(castroLiskov.successes).toBeGreaterThan(original.successes)
  })
})

describe('the rule crosses to worker threads', () => {
  // Worker threads take a few hundred ms each to start, more on a loaded machine.
  it('simulateParallel and runSweep give the in-thread castro-liskov results bit for bit', { timeout: 60_000 }, async () => {
    const options = { nodes: 7, p: 0.9, rounds: 150_000, seed: 4, quorumRule: 'castro-liskov' as const }
    const inThread = simulate(options)
    expect(inThread.quorumRule).toBe('castro-liskov')
    expect(inThread.successes).not.toBe(simulate({ ...options, quorumRule: 'original' }).successes)
    expect(await simulateParallel({ ...options, parallelThreshold: 0, workers: 2 })).toEqual(inThread)
    const grid = { nodes: [4, 5], ps: [0.9], rounds: 70_000, seed: 8, quorumRule: 'castro-liskov' as const }
    const points = await runSweep({ ...grid, parallelThreshold: 0, workers: 2 })
    expect(points).toEqual(sweep(grid))
    expect(points.map((point) => point.quorumRule)).toEqual(['castro-liskov', 'castro-liskov'])
  })
})
