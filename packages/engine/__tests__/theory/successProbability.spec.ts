import { describe, expect, it } from 'vitest'
import { EXACT_MAX_NODES, successProbability, successProbabilityFloat } from '../../src/theory/successProbability'
import { exactSuccessProbability, scaledToNumber } from '../../src/theory/exactRational'
import { pascalSuccessProbability } from './pascalReference'

/** Fails with the case in the message when |actual - expected| > tolerance. */
function expectAbsolute(actual: number, expected: number, tolerance: number, what: string): void {
  const error = Math.abs(actual - expected)
  if (!(error <= tolerance)) expect.fail(`${what}: got ${actual}, expected ${expected}, error ${error}`)
}

function exact(nodes: number, a: bigint, b: bigint, f?: number): number {
  return scaledToNumber(exactSuccessProbability(nodes, a, b, f), b)
}

/** The p where P(N, p) crosses `level` (P is increasing in p). */
function crossing(nodes: number, level: number, f?: number): number {
  let lo = 0
  let hi = 1
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2
    if (successProbability(nodes, mid, f) < level) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

describe('successProbability: public check values (MODEL.md)', () => {
  it('matches N=4 and N=7 at p=0.9', () => {
    // MODEL.md's digits are the exact values at p = 9/10 (the double 0.9 is 2e-17 larger,
    // which would move the last digit: ...1162 and ...1321). A short decimal p is read as the
    // decimal it prints as, so the published digits come out exactly.
    expect(exact(4, 9n, 10n)).toBe(0.5214612411125161)
    expect(exact(7, 9n, 10n)).toBe(0.5268216007141319)
    expect(successProbability(4, 0.9)).toBe(0.5214612411125161)
    expect(successProbability(7, 0.9)).toBe(0.5268216007141319)
  })

  it('reads short decimals as decimals above the exact range too', () => {
    const nodes = EXACT_MAX_NODES + 1
    expect(Math.abs(successProbability(nodes, 0.9) - exact(nodes, 9n, 10n))).toBeLessThan(2e-16)
    expect(Math.abs(successProbability(40, 0.95) - exact(40, 19n, 20n))).toBeLessThan(1e-15)
  })

  it('evaluates long decimals in floating point, still to 1e-13', () => {
    const p = 0.123456789
    expectAbsolute(successProbability(7, p), exact(7, 123456789n, 1000000000n), 1e-13, 'N=7')
  })

  const table: [number, string[]][] = [
    [4, ['0.05', '3.78', '17.04', '52.15', '77.79', '100.00']],
    [5, ['0.22', '13.00', '39.85', '77.98', '93.51', '100.00']],
    [6, ['0.52', '21.76', '54.33', '87.66', '97.10', '100.00']],
    [7, ['0.00', '0.30', '8.29', '52.68', '84.55', '100.00']],
    [10, ['0.00', '0.03', '5.06', '58.08', '92.11', '100.00']],
  ]
  it.each(table)('reproduces the percent table for N=%d', (nodes, percents) => {
    const ps = [0.5, 0.7, 0.8, 0.9, 0.95, 1.0]
    expect(ps.map((p) => (100 * successProbability(nodes, p)).toFixed(2))).toEqual(percents)
  })

  it('gives 1 for N=1, p for N=2 and p^2 for N=3', () => {
    for (const p of [0, 5e-324, 1e-300, 1e-9, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999, 1 - 2 ** -53, 1]) {
      expect(successProbability(1, p)).toBe(1)
      expectAbsolute(successProbability(2, p), p, 2 * Number.EPSILON * p, `N=2, p=${p}`)
      expectAbsolute(successProbability(3, p), p * p, 2 * Number.EPSILON * p * p, `N=3, p=${p}`)
    }
  })
})

describe('successProbability: exact rational evaluation of the same formula', () => {
  const rationals: [bigint, bigint][] = [
    [0n, 1n],
    [1n, 1n],
    [1n, 10n],
    [37n, 100n],
    [1n, 2n],
    [2n, 3n],
    [7n, 10n],
    [3n, 4n],
    [4n, 5n],
    [17n, 20n],
    [9n, 10n],
    [19n, 20n],
    [99n, 100n],
    [999n, 1000n],
  ]
  it.each(rationals)('agrees to 1e-13 for every N from 1 to 25 at p = %d/%d', (a, b) => {
    const p = Number(a) / Number(b)
    for (let nodes = 1; nodes <= 25; nodes++) {
      expectAbsolute(successProbabilityFloat(nodes, p), exact(nodes, a, b), 1e-13, `N=${nodes}, p=${a}/${b}`)
    }
  })

  it('agrees for every custom f at N = 10 and N = 13', () => {
    for (const nodes of [10, 13]) {
      for (let f = 0; f < nodes; f++) {
        for (const [a, b] of [
          [1n, 2n],
          [9n, 10n],
          [99n, 100n],
        ] as const) {
          const got = successProbabilityFloat(nodes, Number(a) / Number(b), f)
          expectAbsolute(got, exact(nodes, a, b, f), 1e-13, `N=${nodes}, f=${f}, p=${a}/${b}`)
        }
      }
    }
  })

  it.each([
    [40, 9n, 10n],
    [64, 4n, 5n],
    [80, 17n, 20n],
    [100, 9n, 10n],
  ])('agrees at N=%d, p=%d/%d', (nodes, a, b) => {
    expectAbsolute(successProbabilityFloat(nodes, Number(a) / Number(b)), exact(nodes, a, b), 1e-13, `N=${nodes}`)
  })
})

// Each of these evaluates the formula thousands of times next to an O(N²) reference: seconds on
// a loaded 2-core machine. Correctness checks, not timings, so they get room.
const HEAVY = { timeout: 120_000 }

describe('successProbability: large N against independent evaluations', HEAVY, () => {
  // mpmath at 40 digits, same formula, double p taken exactly (computed offline; the exact
  // rational evaluation is out of reach at these sizes).
  const offline: [number, number, number][] = [
    [30, 0.9, 0.9568006666228825],
    [100, 0.75, 7.135095293905818e-10],
    [100, 0.85, 0.46545255643654876],
    [300, 0.82, 0.05380955033368864],
    [500, 0.83, 0.30224765099358486],
    [1000, 0.785, 2.3826999263082432e-15],
    [1000, 0.8, 8.738414426599879e-8],
    [1000, 0.82, 0.03753327513942171],
    [1000, 0.83, 0.4763572154624716],
    [1000, 0.84, 0.9523784810188604],
    [1000, 0.85, 0.9996742106204974],
    [2000, 0.83, 0.7915239903846956],
    [5000, 0.82, 0.10194048005133577],
    [5000, 0.825, 0.7282472162439488],
    [5000, 0.83, 0.9935902302244395],
    [10000, 0.81, 4.0645201878590677e-10],
    [10000, 0.815, 0.00022715157187945274],
    [10000, 0.82, 0.1922217955442693],
    [10000, 0.8225, 0.6734372045259467],
    [10000, 0.825, 0.9615954697197516],
    [10000, 0.83, 0.9999949145502806],
  ]
  it.each(offline)('matches the offline high-precision value at N=%d, p=%d', (nodes, p, expected) => {
    expectAbsolute(successProbability(nodes, p), expected, 1e-13, `N=${nodes}, p=${p}`)
  })

  // The Pascal-triangle reference drifts by up to about 2N ulps itself (1.6e-14 seen at N=2830).
  const PASCAL_TOLERANCE = 2e-13

  it('matches the Pascal-triangle evaluation for every N from 26 to 300', () => {
    for (let nodes = 26; nodes <= 300; nodes++) {
      const ps = [0.5, 0.7, 0.8, 0.83, 0.86, 0.9, 0.99, crossing(nodes, 0.5)]
      for (const p of ps) {
        const expected = pascalSuccessProbability(nodes, p)
        expectAbsolute(successProbability(nodes, p), expected, PASCAL_TOLERANCE, `N=${nodes}, p=${p}`)
      }
    }
  })

  it.each([
    [301],
    [302],
    [303],
    [768],
    [1001],
    [1002],
    [2047],
    [4000],
    [7777],
    [10000],
    // With f near N/4 the tails T(x-2, 2f) sit within 1e-14 of 1 right where P is decided.
    [3000, 780],
    [10000, 2600],
  ])('matches the Pascal-triangle evaluation across the transition at N=%d (f=%s)', (nodes, f?: number) => {
    for (const level of [1e-9, 0.5, 1 - 1e-9]) {
      const p = crossing(nodes, level, f)
      const expected = pascalSuccessProbability(nodes, p, f)
      expectAbsolute(successProbability(nodes, p, f), expected, PASCAL_TOLERANCE, `N=${nodes}, f=${f}, p=${p}`)
    }
  })

  it('matches the Pascal-triangle evaluation on a fine p grid at N = 1000', () => {
    const ps: number[] = []
    for (let i = 0; i <= 100; i++) ps.push(i / 100)
    for (let p = 0.78; p <= 0.86; p += 0.0025) ps.push(p)
    for (const p of ps) {
      expectAbsolute(successProbability(1000, p), pascalSuccessProbability(1000, p), PASCAL_TOLERANCE, `p=${p}`)
    }
  })
})

describe('successProbability: large N sanity', HEAVY, () => {
  it.each([1000, 5000, 10000])('is finite, within [0, 1] and increasing in p at N=%d', (nodes) => {
    const ps: number[] = []
    for (let i = 0; i <= 200; i++) ps.push(i / 200)
    for (let p = 0.78; p <= 0.86; p += 0.001) ps.push(p)
    ps.push(1e-300, 1e-12, 1 - 1e-12, 1 - 2 ** -53)
    ps.sort((a, b) => a - b)
    let previous = 0
    for (const p of ps) {
      const value = successProbability(nodes, p)
      expect(Number.isFinite(value), `p=${p}`).toBe(true)
      expect(value).toBeGreaterThanOrEqual(0)
      expect(value).toBeLessThanOrEqual(1)
      // Rounding may wobble by an ulp or so on the plateau near 1.
      expect(value, `p=${p}`).toBeGreaterThanOrEqual(previous - 1e-14)
      previous = value
    }
    expect(successProbability(nodes, 0)).toBe(0)
    expect(successProbability(nodes, 1)).toBe(1)
  })

  it('handles extreme probabilities and fault bounds without NaN', () => {
    for (const nodes of [1, 2, 3, 4, 10, 100, 1000, 10000]) {
      for (const p of [5e-324, 1e-300, 1e-15, 0.5, 1 - 1e-15, 1 - 2 ** -53]) {
        for (const f of [0, Math.floor((nodes - 1) / 3), nodes - 1]) {
          const value = successProbability(nodes, p, f)
          expect(value >= 0 && value <= 1, `N=${nodes}, p=${p}, f=${f}: ${value}`).toBe(true)
        }
      }
    }
  })

  it('gives p^(N-1) with f = 0 (every backup must receive the pre-prepare)', () => {
    for (const nodes of [4, 10, 100]) {
      for (const p of [0.3, 0.9, 0.999]) {
        expectAbsolute(successProbability(nodes, p, 0), p ** (nodes - 1), 1e-15, `N=${nodes}, p=${p}`)
      }
    }
  })
})

describe('successProbability: input validation', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects nodes = %d', (nodes) => {
    expect(() => successProbability(nodes, 0.9)).toThrow(RangeError)
    expect(() => successProbability(nodes, 0.9)).toThrow(/nodes must be an integer >= 1/)
  })

  it.each([-0.1, 1.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('rejects p = %d', (p) => {
    expect(() => successProbability(4, p)).toThrow(RangeError)
    expect(() => successProbability(4, p)).toThrow(/p must be a probability in \[0, 1\]/)
  })

  it.each([-1, 0.5, 4, 5, Number.NaN])('rejects f = %d for N = 4', (f) => {
    expect(() => successProbability(4, 0.9, f)).toThrow(RangeError)
    expect(() => successProbability(4, 0.9, f)).toThrow(/f must be an integer in \[0, 3\]/)
  })

  it('uses floor((N - 1) / 3) when f is omitted', () => {
    expect(successProbability(10, 0.9)).toBe(successProbability(10, 0.9, 3))
    expect(successProbability(10, 0.9)).not.toBe(successProbability(10, 0.9, 2))
  })
})

describe('successProbability: performance', () => {
  function medianMs(run: () => void, repetitions: number): number {
    const times: number[] = []
    for (let i = 0; i < repetitions; i++) {
      const start = performance.now()
      run()
      times.push(performance.now() - start)
    }
    times.sort((a, b) => a - b)
    return times[Math.floor(times.length / 2)] ?? Number.NaN
  }

  it('takes at most 20 ms at N = 1,000 and 2 s at N = 10,000', () => {
    for (let i = 0; i < 10; i++) successProbability(1000, 0.83)
    expect(medianMs(() => successProbability(1000, 0.83), 7)).toBeLessThan(20)
    expect(medianMs(() => successProbability(10000, 0.82), 3)).toBeLessThan(2000)
  })
})
