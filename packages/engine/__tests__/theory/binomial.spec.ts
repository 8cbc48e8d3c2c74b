import { describe, expect, it } from 'vitest'
import {
  bd0,
  binomialMode,
  binomialPmf,
  binomialTails,
  stirlerr,
} from '../../src/theory/binomial'
import { exactBinomialRow, exactBinomialTail, scaledToNumber, type Scaled } from '../../src/theory/exactRational'

/** Rational probabilities a/b, with the exact double a/b when b is a power of two. */
const RATIONALS: readonly [bigint, bigint][] = [
  [1n, 2n],
  [9n, 10n],
  [37n, 100n],
  [999n, 1000n],
  [1n, 1000n],
  [2n, 3n],
  // Within 2^-40 of 0 and 1: the complements must stay accurate.
  [1n, 2n ** 40n],
  [2n ** 40n - 1n, 2n ** 40n],
  [2n ** 50n - 3n, 2n ** 50n],
]

/** p = a/b and q = (b - a)/b, each correctly rounded. */
function pair(a: bigint, b: bigint): [number, number] {
  return [scaledToNumber({ num: a, exp: 1 }, b), scaledToNumber({ num: b - a, exp: 1 }, b)]
}

/**
 * |actual / expected - 1| <= tolerance + a few ulps of |log(expected)|, or both negligible.
 * The allowance in the log is inherent to any double evaluation of exp(lc): for a value like
 * 1e-228, lc = -524 itself carries an ulp of 1e-13. Values below 1e-280 only need to be tiny:
 * nothing in the theory depends on them beyond their being ~0.
 */
function expectRelative(actual: number, expected: number, tolerance: number, what: string): void {
  if (expected < 1e-280) {
    expect(actual, what).toBeLessThan(1e-270)
    expect(actual, what).toBeGreaterThanOrEqual(0)
    return
  }
  const error = Math.abs(actual / expected - 1)
  const allowed = tolerance + 8 * Number.EPSILON * Math.abs(Math.log(expected))
  if (!(error <= allowed)) expect.fail(`${what}: got ${actual}, exact ${expected}, relative error ${error}`)
}

function toNumber(x: Scaled, b: bigint): number {
  return scaledToNumber(x, b)
}

describe('stirlerr', () => {
  // It enters log-probabilities additively, so its absolute error is what counts.
  it.each([
    [1, 0.08106146679532726],
    [2, 0.0413406959554093],
    [10, 0.00833056343336287],
    [15, 0.005554733551962801],
    [16, 0.0052076559196096404],
    [17, 0.004901395948434738],
    [35, 0.002380887608234112],
    [36, 0.002314755290514684],
    [80, 0.0010416612415616192],
    [81, 0.0010288013577107774],
    [500, 0.00016666664444446984],
    [501, 0.0001663339765799327],
    [1000, 8.333333055555635e-5],
    [100000, 8.333333333305556e-7],
  ])('stirlerr(%d) is within 2e-16 of the mpmath value', (n, expected) => {
    expect(Math.abs(stirlerr(n) - expected)).toBeLessThan(2e-16)
  })

  it('satisfies stirlerr(n+1) - stirlerr(n) = 1 - (n + 1/2) log(1 + 1/n) across every branch', () => {
    for (let n = 1; n <= 700; n++) {
      const step = 1 - (n + 0.5) * Math.log1p(1 / n)
      expect(Math.abs(stirlerr(n + 1) - stirlerr(n) - step), `n = ${n}`).toBeLessThan(5e-16)
    }
  })

  it('approaches 1/(12 n)', () => {
    expect(stirlerr(1e6) * 12e6).toBeCloseTo(1, 12)
  })
})

describe('bd0', () => {
  // Reference values from mpmath at 40 digits, with the double arguments taken exactly.
  it.each([
    [10, 10.1, 0.000496691468319168],
    [1000, 999.5, 0.00012504168229791928],
    [5, 50, 33.48707453502977],
    [3, 0.001, 21.02010270295074],
    [10000, 9999.999, 5.0000003353706266e-11],
    [7, 7, 0],
  ])('bd0(%d, %d) has a small relative error, also where x is close to np', (x, np, expected) => {
    expect(Math.abs(bd0(x, np) - expected)).toBeLessThanOrEqual(1e-14 * expected)
  })
})

describe('binomialPmf', () => {
  it('matches exact rational values to 1e-13 relative for m up to 60', () => {
    for (const [a, b] of RATIONALS) {
      const [p, q] = pair(a, b)
      for (let m = 0; m <= 60; m++) {
        const row = exactBinomialRow(m, a, b)
        for (let j = 0; j <= m; j++) {
          const exact = toNumber(row[j] ?? { num: 0n, exp: 0 }, b)
          expectRelative(binomialPmf(j, m, p, q), exact, 1e-13, `B(${m}, ${j}; ${a}/${b})`)
        }
      }
    }
  })

  it('matches exact rational values at m = 3000 across the support', () => {
    for (const [a, b] of [
      [9n, 10n],
      [1n, 2n],
    ] as const) {
      const [p, q] = pair(a, b)
      const row = exactBinomialRow(3000, a, b)
      const js = [0, 1, 2, 3, 2997, 2998, 2999, 3000]
      for (let j = 4; j < 2997; j += 37) js.push(j)
      for (const j of js) {
        const exact = toNumber(row[j] ?? { num: 0n, exp: 0 }, b)
        expectRelative(binomialPmf(j, 3000, p, q), exact, 1e-12, `B(3000, ${j}; ${a}/${b})`)
      }
    }
  })

  it('is 0 outside the support and a point mass at p = 0 and p = 1', () => {
    expect(binomialPmf(-1, 5, 0.3)).toBe(0)
    expect(binomialPmf(6, 5, 0.3)).toBe(0)
    expect(binomialPmf(0, 0, 0.3)).toBe(1)
    expect(binomialPmf(0, 5, 0)).toBe(1)
    expect(binomialPmf(1, 5, 0)).toBe(0)
    expect(binomialPmf(5, 5, 1, 0)).toBe(1)
    expect(binomialPmf(4, 5, 1, 0)).toBe(0)
  })

  it('keeps q^m accurate when 1 - q is far below an ulp of 1', () => {
    // q = 1 - 1e-20 rounds to 1, yet q^m = exp(-m 1e-20) = 1 - 1e-14 for m = 1e6 ...
    expect(Math.abs(binomialPmf(1e6, 1e6, 1, 1e-20) - (1 - 1e-14))).toBeLessThan(2e-16)
    // ... and P[X = m - 1] = m (1 - q) q^(m-1) is still right.
    expectRelative(binomialPmf(1e6 - 1, 1e6, 1, 1e-20), 1e-14 * (1 - 1e-14), 1e-14, 'B(1e6, 1e6 - 1)')
  })
})

describe('binomialTails', () => {
  it('matches exact rational tails, both sides, to 1e-13 relative for m up to 60', () => {
    for (const [a, b] of RATIONALS) {
      const [p, q] = pair(a, b)
      for (let m = -1; m <= 60; m++) {
        for (let k = -1; k <= m + 2; k++) {
          const tails = binomialTails(m, k, p, q)
          const upper = m < 0 ? (k <= 0 ? 1 : 0) : toNumber(exactBinomialTail(m, k, a, b), b)
          const lowerExact: Scaled =
            m < 0 ? { num: k <= 0 ? 0n : 1n, exp: 0 } : complement(exactBinomialTail(m, k, a, b), b, m)
          const lower = toNumber(lowerExact, b)
          expectRelative(tails.upper, upper, 1e-13, `T(${m}, ${k}; ${a}/${b})`)
          expectRelative(tails.lower, lower, 1e-13, `1 - T(${m}, ${k}; ${a}/${b})`)
        }
      }
    }
  })

  it('matches exact rational tails at m = 2000 for thresholds on both sides of the mode', () => {
    for (const [a, b] of [
      [9n, 10n],
      [2n ** 40n - 1n, 2n ** 40n],
    ] as const) {
      const [p, q] = pair(a, b)
      const row = exactBinomialRow(2000, a, b)
      // Suffix sums of the exact row give every upper tail at once.
      let suffix = 0n
      const uppers: bigint[] = new Array<bigint>(2002).fill(0n)
      for (let j = 2000; j >= 0; j--) {
        suffix += row[j]?.num ?? 0n
        uppers[j] = suffix
      }
      const total = b ** 2000n
      for (let k = 1; k <= 2000; k += 13) {
        const tails = binomialTails(2000, k, p, q)
        const upper = uppers[k] ?? 0n
        expectRelative(tails.upper, toNumber({ num: upper, exp: 2000 }, b), 1e-12, `T(2000, ${k})`)
        expectRelative(tails.lower, toNumber({ num: total - upper, exp: 2000 }, b), 1e-12, `1 - T(2000, ${k})`)
      }
    }
  })

  it('keeps the complement of a tail that rounds to 1', () => {
    // P[Bin(200, 0.9) < 100] for the double 0.9, from mpmath at 60 digits.
    const tails = binomialTails(200, 100, 0.9, 1 - 0.9)
    expect(tails.upper).toBe(1)
    expectRelative(tails.lower, 2.9648521568173016e-47, 1e-14, 'P[Bin(200, 0.9) < 100]')
  })

  it('follows the conventions T = 1 for k <= 0 and T = 0 for k > m', () => {
    expect(binomialTails(5, 0, 0.3)).toEqual({ upper: 1, lower: 0 })
    expect(binomialTails(-1, 0, 0.3)).toEqual({ upper: 1, lower: 0 })
    expect(binomialTails(-1, 1, 0.3)).toEqual({ upper: 0, lower: 1 })
    expect(binomialTails(5, 6, 0.3)).toEqual({ upper: 0, lower: 1 })
    expect(binomialTails(5, 3, 0, 1)).toEqual({ upper: 0, lower: 1 })
    expect(binomialTails(5, 5, 1, 0)).toEqual({ upper: 1, lower: 0 })
  })

  it('stays finite and within [0, 1] for extreme probabilities and large m', () => {
    for (const p of [5e-324, 1e-300, 1e-12, 0.5, 1 - 1e-12, 1 - 2 ** -53]) {
      for (const k of [1, 2, 5000, 9999, 10000]) {
        const { upper, lower } = binomialTails(10000, k, p, 1 - p)
        for (const v of [upper, lower]) {
          expect(Number.isFinite(v)).toBe(true)
          expect(v).toBeGreaterThanOrEqual(0)
          expect(v).toBeLessThanOrEqual(1)
        }
        expect(Math.abs(upper + lower - 1)).toBeLessThan(1e-15)
      }
    }
  })
})

/** 1 - x for x = num / b^m, over b^m. */
function complement(x: Scaled, b: bigint, m: number): Scaled {
  const one = b ** BigInt(m)
  return { num: one - x.num * b ** BigInt(m - x.exp), exp: m }
}

describe('binomialMode', () => {
  it('is a largest term', () => {
    for (const p of [0.01, 0.3, 0.5, 0.77, 0.9, 0.999]) {
      for (const m of [1, 2, 7, 50, 1000]) {
        const mode = binomialMode(m, p)
        const peak = binomialPmf(mode, m, p)
        expect(binomialPmf(mode - 1, m, p)).toBeLessThanOrEqual(peak * (1 + 1e-14))
        expect(binomialPmf(mode + 1, m, p)).toBeLessThanOrEqual(peak * (1 + 1e-14))
      }
    }
  })
})
