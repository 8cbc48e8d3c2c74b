import { describe, expect, it } from 'vitest'
import { simulate } from '../../src/simulation/simulate'
import { CHECK_PERCENT, expectConsistent, PRECISE_AT_09, ROUNDING } from './checkValues'

describe('the fast path', () => {
  it('reproduces every public check value of MODEL.md', () => {
    for (const [nodes, row] of Object.entries(CHECK_PERCENT)) {
      for (const [p, percent] of Object.entries(row)) {
        const result = simulate({ nodes: Number(nodes), p: Number(p), rounds: 100_000, seed: 11, path: 'fast' })
        expectConsistent(result, percent / 100, ROUNDING)
      }
    }
  })

  it('reproduces the precise check values', () => {
    for (const [nodes, exact] of Object.entries(PRECISE_AT_09)) {
      expectConsistent(simulate({ nodes: Number(nodes), p: 0.9, rounds: 1_000_000, seed: 2, path: 'fast' }), exact)
    }
  })

  it('gives p² at N = 3 (f = 0: both backups must receive the pre-prepare)', () => {
    for (const p of [0.3, 0.75, 0.99]) expectConsistent(simulate({ nodes: 3, p, rounds: 200_000, seed: 3 }), p * p)
  })

  it('agrees with the message-level kernel on success rate, failure phases and messages', () => {
    for (const nodes of [4, 5, 7, 10]) {
      for (const p of [0.7, 0.9, 0.95]) {
        const config = { nodes, p, rounds: 50_000, seed: nodes * 100 + p * 100 }
        const fast = simulate({ ...config, path: 'fast' })
        const message = simulate({ ...config, path: 'message' })
        expect(fast.path).toBe('fast')
        expect(message.path).toBe('message')
        const where = `N=${nodes} p=${p}`
        // Two-proportion z-test with the pooled rate; 4.5 standard errors, as for the counts below.
        const pooled = (fast.successes + message.successes) / (2 * config.rounds)
        const error = Math.sqrt((2 * pooled * (1 - pooled)) / config.rounds)
        expect(Math.abs(fast.successRate - message.successRate), where).toBeLessThanOrEqual(4.5 * error)
        for (const phase of ['pre-prepare', 'prepare', 'commit'] as const) {
          const a = fast.failures[phase] / config.rounds
          const b = message.failures[phase] / config.rounds
          const phaseError = Math.sqrt(((a + b) / 2) * (1 - (a + b) / 2) * (2 / config.rounds))
          expect(Math.abs(a - b), `${where} ${phase}`).toBeLessThanOrEqual(4.5 * phaseError)
        }
        // Mean messages per round: relative agreement is ample for a check of the bookkeeping.
        expect(fast.meanMessages.sent / message.meanMessages.sent, where).toBeCloseTo(1, 1)
        expect(fast.meanMessages.delivered / message.meanMessages.delivered, where).toBeCloseTo(1, 1)
        expect(fast.meanMessages.rejected).toBe(0)
      }
    }
  })

  it('at p = 1 always succeeds; at p = 0 always fails at pre-prepare', () => {
    for (const nodes of [1, 2, 4, 10, 100]) {
      const sure = simulate({ nodes, p: 1, rounds: 1000, seed: 4 })
      expect(sure.successes).toBe(1000)
      expect(sure.ci95[1]).toBe(1)
      expect(sure.meanMessages.sent).toBe(nodes - 1 + (nodes - 1) ** 2 + nodes * (nodes - 1))
      expect(sure.meanMessages.dropped).toBe(0)
    }
    for (const nodes of [2, 4, 10, 100]) {
      const never = simulate({ nodes, p: 0, rounds: 1000, seed: 5 })
      expect(never.successes).toBe(0)
      expect(never.failures['pre-prepare']).toBe(1000)
      expect(never.ci95[0]).toBe(0)
      expect(never.meanMessages).toEqual({ sent: nodes - 1, delivered: 0, dropped: nodes - 1, rejected: 0 })
    }
  })
})
