/**
 * The public theory API beyond metric A of the original rule: the castro-liskov rule, silent
 * backups, the complement 1 - P and log10 P down in the tails, the per-phase split, and the
 * client's view (metric B). Reference values are MODEL.md's, or exact BigInt rationals.
 */
import { describe, expect, it } from 'vitest'
import {
  complement,
  exactClientAccept,
  exactReliability,
  scaledToNumber,
} from '../../src/theory/exactRational'
import {
  clientAcceptProbability,
  clientReliability,
  EXACT_MAX_NODES,
  failureProbability,
  log10SuccessProbability,
  reliability,
  successProbability,
} from '../../src/theory/successProbability'
import { relativeError } from './exactRelative'

const HEAVY = { timeout: 120_000 }

describe('castro-liskov: MODEL.md check values', () => {
  it('matches N=4 and N=5 at p=0.9 to the last digit', () => {
    expect(successProbability(4, 0.9, 'castro-liskov')).toBe(0.7907543172404601)
    expect(successProbability(5, 0.9, 'castro-liskov')).toBe(0.5999811135935901)
  })

  const table: [number, string[]][] = [
    [4, ['0.94', '18.70', '44.99', '79.08', '93.48']],
    [5, ['0.0046', '2.71', '18.18', '60.00', '85.53']],
    [7, ['0.00052', '3.14', '25.68', '77.00', '95.69']],
    [10, ['2.5e-8', '0.52', '16.57', '78.06', '97.52']],
  ]
  it.each(table)('reproduces the percent table for N=%d', (nodes, percents) => {
    const ps = [0.5, 0.7, 0.8, 0.9, 0.95]
    const printed = ps.map((p, i) => {
      const percent = 100 * successProbability(nodes, p, 'castro-liskov')
      const expected = percents[i] ?? ''
      // The table keeps two decimals, or two significant digits for the tiny ones.
      return expected.includes('e') || expected.startsWith('0.00') ? percent.toPrecision(2) : percent.toFixed(2)
    })
    expect(printed).toEqual(percents)
  })

  it('is 1 at p = 1 and beats the original rule where it matters', () => {
    for (const nodes of [1, 2, 3, 4, 7, 100, 1000]) expect(successProbability(nodes, 1, 'castro-liskov')).toBe(1)
    expect(successProbability(4, 0.9, 'castro-liskov')).toBeGreaterThan(successProbability(4, 0.9))
  })

  it('takes the rule in every form, with or without f', () => {
    const value = successProbability(4, 0.9, 'castro-liskov')
    expect(successProbability(4, 0.9, undefined, 'castro-liskov')).toBe(value)
    expect(successProbability(4, 0.9, 1, 'castro-liskov')).toBe(value)
    expect(successProbability(4, 0.9, { quorumRule: 'castro-liskov' })).toBe(value)
    expect(successProbability(4, 0.9, 1, { quorumRule: 'castro-liskov' })).toBe(value)
    expect(successProbability(4, 0.9, 'original')).toBe(successProbability(4, 0.9))
    expect(successProbability(4, 0.9, {})).toBe(successProbability(4, 0.9))
  })

  it('rejects an unknown rule and a bad number of silent backups with a RangeError', () => {
    expect(() => successProbability(4, 0.9, 'paxos' as 'original')).toThrow(/quorumRule must be original or castro-liskov/)
    expect(() => successProbability(4, 0.9, { silentBackups: 4 })).toThrow(/silentBackups must be an integer in \[0, 3\]/)
    expect(() => failureProbability(4, 0.9, { silentBackups: -1 })).toThrow(RangeError)
    expect(() => clientAcceptProbability(4, 2)).toThrow(/clientAcceptProbability: p must be a probability/)
  })
})

describe('silent backups (MODEL.md: B(N-1, x-1; p) becomes B(N-1-k, x-1; p))', () => {
  it('N = 4 with one silent backup: 0.282429536481 at p = 0.9 under castro-liskov, never under the original rule', () => {
    expect(successProbability(4, 0.9, { quorumRule: 'castro-liskov', silentBackups: 1 })).toBe(0.282429536481)
    expect(successProbability(4, 1, { quorumRule: 'castro-liskov', silentBackups: 1 })).toBe(1)
    expect(successProbability(4, 0.9, { silentBackups: 1 })).toBe(0)
    expect(successProbability(4, 1, { silentBackups: 1 })).toBe(0)
  })

  it('castro-liskov tolerates f silent backups at p = 1 for every N >= 3f + 1; the original rule f - 1 at N = 3f + 1', () => {
    for (const nodes of [4, 5, 7, 10, 13, 16, 31, 100]) {
      const f = Math.floor((nodes - 1) / 3)
      expect(successProbability(nodes, 1, { quorumRule: 'castro-liskov', silentBackups: f }), `N=${nodes}`).toBe(1)
      if (nodes === 3 * f + 1) {
        expect(successProbability(nodes, 1, { silentBackups: f - 1 }), `N=${nodes}`).toBe(1)
        expect(successProbability(nodes, 1, { silentBackups: f }), `N=${nodes}`).toBe(0)
      }
    }
  })
})

describe('tails: relative precision far below 1 and near 1', () => {
  it('N = 13 at p = 0.1 is 2.83e-131 (the float path), to a relative 1e-13 of the exact value', () => {
    expect(13).toBeGreaterThan(EXACT_MAX_NODES)
    const value = successProbability(13, 0.1)
    expect(value).toBeCloseTo(2.83e-131, 133)
    expect(relativeError(value, exactReliability(13, 1n, 10n).success, 10n)).toBeLessThan(1e-13)
    for (const rule of ['original', 'castro-liskov'] as const) {
      for (const [a, b] of [[1n, 10n], [1n, 5n], [3n, 10n]] as const) {
        const exact = exactReliability(16, a, b, { quorumRule: rule }).success
        const got = successProbability(16, Number(a) / Number(b), rule)
        expect(relativeError(got, exact, b), `${rule} N=16 p=${a}/${b}`).toBeLessThan(1e-13)
      }
    }
  })

  it('1 - P at N = 100, p = 0.99 is 1.76e-35 without cancellation, to a relative 1e-13', HEAVY, () => {
    const exact = exactReliability(100, 99n, 100n)
    const failure = failureProbability(100, 0.99)
    expect(failure).toBeCloseTo(1.76e-35, 37)
    expect(relativeError(failure, complement(exact.success, 100n), 100n)).toBeLessThan(1e-13)
    expect(successProbability(100, 0.99)).toBe(1)
  })

  it('splits 1 - P by phase, the parts summing to it, exactly for N <= 12', () => {
    for (const rule of ['original', 'castro-liskov'] as const) {
      for (const [nodes, p] of [[4, 0.9], [7, 0.8], [10, 0.5], [40, 0.95], [200, 0.85]] as const) {
        const { successRate, failureRate, failures } = reliability(nodes, p, rule)
        const parts = failures['pre-prepare'] + failures.prepare + failures.commit
        expect(Math.abs(parts - failureRate) / failureRate, `${rule} N=${nodes}`).toBeLessThan(1e-14)
        expect(Math.abs(successRate + failureRate - 1), `${rule} N=${nodes}`).toBeLessThan(4e-16)
      }
      const exact = exactReliability(7, 4n, 5n, { quorumRule: rule })
      const { failures, failureRate } = reliability(7, 0.8, rule)
      expect(failures.prepare).toBe(scaledToNumber(exact.failures.prepare, 5n))
      expect(failures.commit).toBe(scaledToNumber(exact.failures.commit, 5n))
      expect(failureRate).toBe(scaledToNumber(complement(exact.success, 5n), 5n))
    }
  })

  it('log10 P stays finite where P underflows (N = 1000, p = 0.1) and agrees with exact values', HEAVY, () => {
    expect(successProbability(1000, 0.1)).toBe(0)
    const deep = log10SuccessProbability(1000, 0.1)
    expect(Number.isFinite(deep)).toBe(true)
    expect(deep).toBeLessThan(-300)
    // Increasing in p, and in line with exact values where those are within reach.
    expect(log10SuccessProbability(1000, 0.11)).toBeGreaterThan(deep)
    for (const rule of ['original', 'castro-liskov'] as const) {
      const exact = exactReliability(100, 1n, 10n, { quorumRule: rule }).success
      const log = log10SuccessProbability(100, 0.1, rule)
      const bits = exact.num.toString(2).length
      const top = Number(exact.num >> BigInt(Math.max(0, bits - 60)))
      const exactLog = Math.log10(top) + Math.max(0, bits - 60) * Math.log10(2) - exact.exp
      expect(Math.abs(log - exactLog) / Math.abs(exactLog), rule).toBeLessThan(1e-12)
    }
    // Near 1, log10 P comes from log1p of 1 - P.
    expect(log10SuccessProbability(100, 0.99)).toBeCloseTo(-1.76e-35 / Math.LN10, 37)
    expect(reliability(100, 0.99).log10FailureRate).toBeCloseTo(Math.log10(1.757801954410209e-35), 12)
  })
})

describe("the client's view (metric B)", () => {
  it('matches MODEL.md at N = 4, p = 0.9 for both rules', () => {
    expect(clientAcceptProbability(4, 0.9)).toBe(0.5999428738974489)
    expect(clientAcceptProbability(4, 0.9, 'castro-liskov')).toBe(0.846607726424425)
    expect(clientAcceptProbability(4, 0.9, 1, 'castro-liskov')).toBe(0.846607726424425)
  })

  it('agrees with the exact evaluation beyond the exact range, complement included', () => {
    for (const rule of ['original', 'castro-liskov'] as const) {
      for (const [nodes, a, b] of [[13, 9n, 10n], [16, 1n, 2n], [19, 99n, 100n], [13, 1n, 10n]] as const) {
        const exact = exactClientAccept(nodes, a, b, { quorumRule: rule })
        const { acceptRate, failureRate } = clientReliability(nodes, Number(a) / Number(b), rule)
        expect(relativeError(acceptRate, exact, b), `${rule} N=${nodes} p=${a}/${b}`).toBeLessThan(1e-13)
        expect(relativeError(failureRate, complement(exact, b), b), `${rule} N=${nodes} p=${a}/${b}`).toBeLessThan(1e-13)
      }
    }
  })

  it('is 1 at p = 1 and 0 at p = 0 (N >= 2)', () => {
    for (const nodes of [2, 4, 13, 100]) {
      expect(clientAcceptProbability(nodes, 1)).toBe(1)
      expect(clientAcceptProbability(nodes, 0)).toBe(0)
    }
  })
})
