import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config'
import { createChunkRunner, estimatedDraws, planSimulation, finishSimulation, simulate, type SimulateOptions } from '../../src/simulation/simulate'
import { planSweep } from '../../src/simulation/sweep'
import { mergeTallies } from '../../src/simulation/tally'
import { wilson } from '../../src/simulation/wilson'
import { CHECK_PERCENT, expectConsistent, PRECISE_AT_09, ROUNDING } from './checkValues'

describe('simulate', () => {
  it('is deterministic: the same seed gives the same result, another seed another one', () => {
    const options = { nodes: 7, p: 0.9, rounds: 150_000, seed: 42 }
    const first = simulate(options)
    expect(simulate(options)).toEqual(first)
    expect(simulate({ ...options, seed: 43 }).successes).not.toBe(first.successes)
    expect(first.rounds).toBe(150_000)
    expect(first.successes + Object.values(first.failures).reduce((a, b) => a + b, 0)).toBe(150_000)
  })

  it('does not depend on the order chunks are played in (what makes threads safe)', () => {
    for (const options of [
      { nodes: 10, p: 0.9, rounds: 200_000, seed: 7 },
      { nodes: 16, p: 0.95, rounds: 40_000, seed: 8, faults: { 5: 'silent' as const } },
    ]) {
      const plan = planSimulation(options)
      expect(plan.chunks).toBeGreaterThan(1)
      const runChunk = createChunkRunner(plan)
      const backwards = Array.from({ length: plan.chunks }, (_, c) => plan.chunks - 1 - c).map((c) => runChunk(c))
      expect(finishSimulation(plan, mergeTallies(backwards))).toEqual(simulate(options))
    }
  })

  it('takes the fast path only when every replica is honest and p is homogeneous', () => {
    expect(simulate({ nodes: 4, p: 0.9, rounds: 10, seed: 1 }).path).toBe('fast')
    expect(simulate({ nodes: 4, p: 0.9, rounds: 10, seed: 1, faults: ['honest', 'honest', 'honest', 'honest'] }).path).toBe('fast')
    expect(simulate({ nodes: 4, p: 0.9, rounds: 10, seed: 1, faults: { 2: 'silent' } }).path).toBe('message')
    const links = [0, 1, 2, 3].map(() => [0.9, 0.9, 0.9, 0.9])
    const linked = simulate({ nodes: 4, links, rounds: 10, seed: 1 })
    expect(linked).toMatchObject({ path: 'message', p: null })
    expect(() => simulate({ nodes: 4, links, rounds: 10, seed: 1, path: 'fast' })).toThrow(ConfigError)
    expect(() => simulate({ nodes: 4, rounds: 10, seed: 1, path: 'fast', faults: { 1: 'tamper' } })).toThrow(ConfigError)
  })

  it('on the message-level path reproduces the check values of MODEL.md', () => {
    for (const [nodes, exact] of Object.entries(PRECISE_AT_09)) {
      expectConsistent(simulate({ nodes: Number(nodes), p: 0.9, rounds: 200_000, seed: 3, path: 'message' }), exact)
    }
    for (const nodes of [4, 5, 6, 7, 10]) {
      for (const p of [0.8, 0.9, 0.95]) {
        const percent = CHECK_PERCENT[nodes]?.[p] ?? Number.NaN
        expectConsistent(simulate({ nodes, p, rounds: 30_000, seed: 4, path: 'message' }), percent / 100, ROUNDING)
      }
    }
  })

  it('with faults matches the exact value of a case small enough to work out by hand', () => {
    // N = 4, f = 1, replica 3 silent: the round needs 0, 1, 2 all to commit. Backups 1 and 2
    // hear only each other's PREPARE (1 < 2f), so no backup ever prepares: success is impossible.
    const silent = simulate({ nodes: 4, p: 0.9, rounds: 5000, seed: 1, faults: { 3: 'silent' } })
    expect(silent.successes).toBe(0)
    // N = 4 with f = 0: success needs all four to accept, i.e. p³.
    const f0 = simulate({ nodes: 4, f: 0, p: 0.8, rounds: 100_000, seed: 2, path: 'message' })
    const [low, high] = wilson(f0.successes, f0.rounds, 4)
    expect(0.8 ** 3).toBeGreaterThanOrEqual(low)
    expect(0.8 ** 3).toBeLessThanOrEqual(high)
  })

  it('counts safety violations and rejected messages', () => {
    const split = simulate({ nodes: 4, p: 1, rounds: 100, seed: 1, faults: { 0: 'equivocate', 1: 'equivocate' } })
    expect(split.safetyViolations).toBe(100)
    expect(split.successes).toBe(0)
    const tampered = simulate({ nodes: 4, p: 1, rounds: 100, seed: 1, faults: { 0: 'tamper' } })
    expect(tampered.meanMessages).toEqual({ sent: 3, delivered: 3, dropped: 0, rejected: 3 })
  })

  it('never counts a safety violation as a success: N = 5, an equivocating primary, p = 1', () => {
    // Every round, four honest replicas commit (N - f = 4), two on v and two on v′.
    const split = simulate({ nodes: 5, p: 1, rounds: 2000, seed: 1, faults: { 0: 'equivocate' } })
    expect(split).toMatchObject({ successes: 0, successRate: 0, safetyViolations: 2000, quorumRule: 'original' })
    expect(split.failures).toEqual({ 'pre-prepare': 0, prepare: 0, commit: 0 })
    // The castro-liskov quorum (Q = 4) keeps them together: no violation, and no decision either.
    const safe = simulate({ nodes: 5, p: 1, rounds: 2000, seed: 1, faults: { 0: 'equivocate' }, quorumRule: 'castro-liskov' })
    expect(safe).toMatchObject({ successes: 0, safetyViolations: 0, quorumRule: 'castro-liskov' })
    expect(safe.failures.prepare).toBe(2000)
  })

  it('splits every round into exactly one of success, no decision (by phase) and safety violation', () => {
    for (const quorumRule of ['original', 'castro-liskov'] as const) {
      const result = simulate({ nodes: 7, p: 0.9, rounds: 20_000, seed: 5, faults: { 0: 'equivocate', 1: 'equivocate', 2: 'equivocate' }, quorumRule })
      const noDecision = Object.values(result.failures).reduce((a, b) => a + b, 0)
      expect(result.successes + noDecision + result.safetyViolations).toBe(20_000)
      expect(result.safetyViolations, quorumRule).toBeGreaterThan(0)
      expect(result.successRate).toBe(result.successes / 20_000)
    }
  })

  it('rejects an unknown quorum rule with a ConfigError', () => {
    expect(() => simulate({ nodes: 4, p: 0.9, rounds: 10, seed: 1, quorumRule: 'paxos' as 'original' })).toThrow(
      /quorumRule must be 'original' or 'castro-liskov', got "paxos"/,
    )
  })

  it('reports progress after every chunk, ending at the total', () => {
    const seen: [number, number][] = []
    simulate({ nodes: 4, p: 0.9, rounds: 200_000, seed: 1, onProgress: (done, total) => seen.push([done, total]) })
    expect(seen).toEqual([
      [65_536, 200_000],
      [131_072, 200_000],
      [196_608, 200_000],
      [200_000, 200_000],
    ])
  })

  it('stops between chunks when aborted', () => {
    const controller = new AbortController()
    let calls = 0
    const run = () =>
      simulate({
        nodes: 4,
        p: 0.9,
        rounds: 1_000_000,
        seed: 1,
        signal: controller.signal,
        onProgress: () => {
          calls++
          controller.abort()
        },
      })
    expect(run).toThrow(expect.objectContaining({ name: 'AbortError' }))
    expect(calls).toBe(1)
  })

  it('rejects bad rounds, seeds and paths with a ConfigError', () => {
    const base: SimulateOptions = { nodes: 4, p: 0.9, rounds: 10, seed: 1 }
    const bad: Partial<SimulateOptions>[] = [
      { rounds: 0 },
      { rounds: 1.5 },
      { rounds: 1e9 + 1 },
      { rounds: Number.NaN },
      { seed: Number.NaN },
      { seed: Number.POSITIVE_INFINITY },
      { path: 'quick' as 'fast' },
      { p: 1.5 },
      { nodes: 0 },
    ]
    for (const change of bad) expect(() => simulate({ ...base, ...change }), JSON.stringify(change)).toThrow(ConfigError)
  })
})

describe('estimatedDraws', () => {
  it('counts the set-up of a point, not only its draws', () => {
    const plan = planSimulation({ nodes: 112, p: 0.5, rounds: 1, seed: 1 })
    // One round draws ~3N = 336 numbers; planning and setting the point up costs far more.
    expect(estimatedDraws(plan)).toBeGreaterThanOrEqual(1000 + 25 * 112 + 3 * 112)
    const message = planSimulation({ nodes: 40, p: 0.5, rounds: 1, seed: 1, path: 'message' })
    expect(estimatedDraws(message)).toBeGreaterThanOrEqual(1000 + 8 * 40 * 40 + 2 * 40 * 40)
  })

  it('calls a 10,000-point sweep of one round each big enough for worker threads', () => {
    // The server's in-thread limit is 2·10^6; draws alone gave ~1.9·10^6 for this sweep.
    const plans = planSweep({ nodes: Array.from({ length: 100 }, (_, i) => 13 + i), ps: Array.from({ length: 100 }, (_, i) => (i + 1) / 100), rounds: 1, seed: 1 })
    expect(plans.reduce((sum, plan) => sum + estimatedDraws(plan), 0)).toBeGreaterThan(2e6)
  })
})

describe('planSimulation', () => {
  it('allocates no N × N link matrix for the fast path', () => {
    const before = process.memoryUsage().arrayBuffers
    const plans = [9998, 9999, 10_000].map((nodes) => planSimulation({ nodes, p: 0.9, rounds: 1, seed: 1 }))
    // A link matrix at N = 10,000 is 800 MB: three would be 2.4 GB.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50e6)
    expect(plans.map((plan) => plan.path)).toEqual(['fast', 'fast', 'fast'])
    expect(simulate({ nodes: 10_000, p: 0.99, rounds: 2, seed: 1 }).rounds).toBe(2)
  })

  it('still builds the link matrix on use, from p or from links', () => {
    const homogeneous = planSimulation({ nodes: 3, p: 0.25, rounds: 1, seed: 1, path: 'message' })
    expect([...homogeneous.round.linkProb]).toEqual(new Array(9).fill(0.25))
    const links = [
      [1, 0.5, 0.25],
      [0.5, 1, 0.75],
      [0.25, 0.75, 1],
    ]
    expect([...planSimulation({ nodes: 3, links, rounds: 1, seed: 1 }).round.linkProb]).toEqual(links.flat())
  })
})

