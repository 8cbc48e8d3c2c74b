import { describe, expect, it } from 'vitest'
import { exactBinomialRow, exactBinomialTail, type Scaled } from '../../src/theory/exactRational'
import { CERTAIN, chanceOf, divide, extended, IMPOSSIBLE, multiply, toNumber, type Chance } from '../../src/theory/extended'
import { modeOf, pmfExtended, tailChance } from '../../src/theory/extendedBinomial'
import { relativeError } from './exactRelative'

/** p = a / 2^bits exactly, as extended numbers: p may be far below the doubles, 1 - p is then 1. */
function dyadic(a: bigint, b: bigint): Chance {
  const bits = b.toString(2).length - 1
  if (bits <= 1000) return chanceOf(Number(a) / 2 ** bits, Number(b - a) / 2 ** bits)
  // a = 1: 2^-bits = 2^(896 - bits) · 2^(448 · -2); 1 - 2^-1200 rounds to 1.
  return { p: extended(Number(a) * 2 ** (896 - bits), -2), q: extended(1) }
}

const CASES: [bigint, bigint][] = [
  [1n, 2n],
  [3n, 16n],
  [15n, 16n],
  [1n, 1024n],
  [1023n, 1024n],
  [1n, 2n ** 60n],
  [2n ** 60n - 1n, 2n ** 60n],
  // 2^-1200: below every double; only the extended form holds it.
  [1n, 2n ** 1200n],
]

function expectRelative(value: Parameters<typeof relativeError>[0], exact: Scaled, base: bigint, bound: number, what: string): void {
  const error = relativeError(value, exact, base)
  if (!(error <= bound)) expect.fail(`${what}: relative error ${error}`)
}

describe('pmfExtended', () => {
  it('matches exact rows to a small relative error, however small the terms', () => {
    for (const [a, b] of CASES) {
      const c = dyadic(a, b)
      for (const m of [0, 1, 2, 3, 10, 33, 100, 400]) {
        const row = exactBinomialRow(m, a, b)
        for (let j = 0; j <= m; j++) {
          const exact = row[j] ?? { num: 0n, exp: 0 }
          // A few ulps near the mode; far from it, Loader's deviance terms (each about |ln B|) round.
          const size = Math.abs(Math.log(2) * (exact.num.toString(2).length - Number(exact.exp) * (b.toString(2).length - 1)))
          expectRelative(pmfExtended(j, m, c), exact, b, 5e-14 + 1e-15 * size, `B(${m}, ${j}; ${a}/${b})`)
        }
      }
    }
  })

  it('walks to terms near the mode by exact ratios: B(2, 2; 1e-300) is 1e-600 to an ulp or two', () => {
    const p = chanceOf(1e-300, 1)
    const term = pmfExtended(2, 2, p)
    expect(term.k).toBeLessThan(-1)
    // Against p · p computed directly (1e-300 is not exactly 10^-300, so not against 10^-600).
    expect(Math.abs(toNumber(divide(term, multiply(p.p, p.p))) - 1)).toBeLessThanOrEqual(2 * Number.EPSILON)
    expect(toNumber(pmfExtended(1, 1, p))).toBe(1e-300)
  })
})

describe('tailChance', () => {
  it('gives both tails to a small relative error, each summed away from the mode or complemented', () => {
    for (const [a, b] of CASES) {
      const c = dyadic(a, b)
      for (const m of [1, 5, 40, 300]) {
        for (const t of [0, 1, 2, Math.floor(m / 3), Math.floor(m / 2), m - 1, m, m + 1]) {
          const upper = exactBinomialTail(m, t, a, b)
          const lower = { num: b ** BigInt(upper.exp) - upper.num, exp: upper.exp }
          const { p, q } = tailChance(m, t, c)
          const size = Math.abs(Math.log(2) * (upper.num.toString(2).length - upper.exp * (b.toString(2).length - 1)))
          expectRelative(p, upper, b, 5e-14 + 1e-15 * size, `T(${m}, ${t}; ${a}/${b})`)
          const lowerSize = lower.num === 0n ? 0 : Math.abs(Math.log(2) * (lower.num.toString(2).length - lower.exp * (b.toString(2).length - 1)))
          expectRelative(q, lower, b, 5e-14 + 1e-15 * lowerSize, `1 - T(${m}, ${t}; ${a}/${b})`)
        }
      }
    }
  })

  it('is certain below 1 and impossible above m', () => {
    expect(tailChance(5, 0, chanceOf(0.3, 0.7))).toBe(CERTAIN)
    expect(tailChance(5, 6, chanceOf(0.3, 0.7))).toBe(IMPOSSIBLE)
    expect(tailChance(5, 2, chanceOf(0, 1))).toBe(IMPOSSIBLE)
    expect(tailChance(5, 2, chanceOf(1, 0))).toBe(CERTAIN)
  })

  it('finds the mode of a row whatever the size of p', () => {
    expect(modeOf(10, chanceOf(0.5, 0.5))).toBe(5)
    expect(modeOf(10, { p: extended(1, -3), q: extended(1) })).toBe(0)
    expect(modeOf(10, { p: extended(1), q: extended(1, -3) })).toBe(10)
  })
})
