import { describe, expect, it } from 'vitest'
import {
  exactBinomialRow,
  exactBinomialTail,
  exactClientAccept,
  exactReliability,
  exactSuccessProbability,
  scaledLog10,
  scaledToNumber,
  type Scaled,
} from '../../src/theory/exactRational'

/** Rational probabilities a/b (b a power of two or not, extremes included). */
const RATIONALS: [bigint, bigint][] = [
  [0n, 1n],
  [1n, 1n],
  [1n, 2n],
  [1n, 3n],
  [2n, 3n],
  [9n, 10n],
  [37n, 100n],
  [255n, 256n],
]

/** True when x (over base^exp) equals the fraction num/den exactly. */
function equalsFraction(x: Scaled, base: bigint, num: bigint, den: bigint): boolean {
  return x.num * den === num * base ** BigInt(x.exp)
}

/** Cross-multiplied comparison of two values over the same base: negative, zero or positive. */
function compare(x: Scaled, y: Scaled, base: bigint): number {
  const left = x.num * base ** BigInt(y.exp)
  const right = y.num * base ** BigInt(x.exp)
  return left < right ? -1 : left > right ? 1 : 0
}

describe('exactBinomialRow', () => {
  it('gives the textbook rows', () => {
    expect(exactBinomialRow(2, 1n, 2n)).toEqual([1n, 2n, 1n].map((num) => ({ num, exp: 2 })))
    expect(exactBinomialRow(3, 2n, 3n)).toEqual([1n, 6n, 12n, 8n].map((num) => ({ num, exp: 3 })))
    expect(exactBinomialRow(0, 9n, 10n)).toEqual([{ num: 1n, exp: 0 }])
  })

  it('sums to exactly 1 (b^m over b^m) for every m up to 40', () => {
    for (const [a, b] of RATIONALS) {
      for (let m = 0; m <= 40; m++) {
        const row = exactBinomialRow(m, a, b)
        expect(row).toHaveLength(m + 1)
        expect(row.every((entry) => entry.exp === m && entry.num >= 0n)).toBe(true)
        const sum = row.reduce((total, entry) => total + entry.num, 0n)
        if (sum !== b ** BigInt(m)) expect.fail(`Bin(${m}, ${a}/${b}) sums to ${sum} / ${b}^${m}`)
      }
    }
  })

  it('puts all the mass on 0 at p = 0 and on m at p = 1', () => {
    expect(exactBinomialRow(5, 0n, 7n).map((entry) => entry.num)).toEqual([7n ** 5n, 0n, 0n, 0n, 0n, 0n])
    expect(exactBinomialRow(5, 7n, 7n).map((entry) => entry.num)).toEqual([0n, 0n, 0n, 0n, 0n, 7n ** 5n])
  })

  it('is symmetric under p <-> 1 - p', () => {
    const row = exactBinomialRow(17, 3n, 10n).map((entry) => entry.num)
    const mirrored = exactBinomialRow(17, 7n, 10n).map((entry) => entry.num)
    expect(mirrored).toEqual([...row].reverse())
  })
})

describe('exactBinomialTail', () => {
  it('is the suffix sum of the row, and 1 minus the prefix', () => {
    for (const [a, b] of RATIONALS) {
      for (let m = 0; m <= 20; m++) {
        const row = exactBinomialRow(m, a, b).map((entry) => entry.num)
        for (let k = 1; k <= m; k++) {
          const tail = exactBinomialTail(m, k, a, b)
          const suffix = row.slice(k).reduce((sum, num) => sum + num, 0n)
          const prefix = row.slice(0, k).reduce((sum, num) => sum + num, 0n)
          expect(tail).toEqual({ num: suffix, exp: m })
          expect(tail.num + prefix).toBe(b ** BigInt(m))
        }
      }
    }
  })

  it('is exactly 1 for k <= 0 and exactly 0 for k > m', () => {
    expect(exactBinomialTail(5, 0, 1n, 3n)).toEqual({ num: 1n, exp: 0 })
    expect(exactBinomialTail(5, -2, 1n, 3n)).toEqual({ num: 1n, exp: 0 })
    expect(exactBinomialTail(0, 0, 1n, 3n)).toEqual({ num: 1n, exp: 0 })
    expect(exactBinomialTail(5, 6, 1n, 3n)).toEqual({ num: 0n, exp: 0 })
    expect(exactBinomialTail(0, 1, 1n, 3n)).toEqual({ num: 0n, exp: 0 })
  })

  it('gives p^m for k = m', () => {
    expect(equalsFraction(exactBinomialTail(6, 6, 9n, 10n), 10n, 9n ** 6n, 10n ** 6n)).toBe(true)
  })
})

describe('exactSuccessProbability', () => {
  it('gives 1 for N = 1, p for N = 2 and p² for N = 3, exactly', () => {
    for (const [a, b] of RATIONALS) {
      expect(equalsFraction(exactSuccessProbability(1, a, b), b, 1n, 1n), `N=1 p=${a}/${b}`).toBe(true)
      expect(equalsFraction(exactSuccessProbability(2, a, b), b, a, b), `N=2 p=${a}/${b}`).toBe(true)
      expect(equalsFraction(exactSuccessProbability(3, a, b), b, a * a, b * b), `N=3 p=${a}/${b}`).toBe(true)
    }
  })

  it('gives MODEL.md’s N = 4 value at p = 9/10, to the last digit', () => {
    expect(scaledToNumber(exactSuccessProbability(4, 9n, 10n), 10n)).toBe(0.5214612411125161)
    expect(scaledToNumber(exactSuccessProbability(7, 9n, 10n), 10n)).toBe(0.5268216007141319)
  })

  it('gives p^(N-1) exactly with f = 0 (every backup must receive the pre-prepare)', () => {
    for (const nodes of [4, 5, 8]) {
      for (const [a, b] of [
        [9n, 10n],
        [1n, 3n],
      ] as const) {
        const p = exactSuccessProbability(nodes, a, b, 0)
        expect(equalsFraction(p, b, a ** BigInt(nodes - 1), b ** BigInt(nodes - 1)), `N=${nodes}`).toBe(true)
      }
    }
  })

  it('is exactly 0 at p = 0 (N >= 2) and exactly 1 at p = 1, whatever N and f', () => {
    for (let nodes = 2; nodes <= 12; nodes++) {
      expect(exactSuccessProbability(nodes, 0n, 5n).num).toBe(0n)
      for (let f = 0; f <= Math.floor((nodes - 1) / 3); f++) {
        expect(equalsFraction(exactSuccessProbability(nodes, 5n, 5n, f), 5n, 1n, 1n), `N=${nodes} f=${f}`).toBe(true)
      }
    }
  })

  it('is 0 when the 2f quorum cannot be reached from the N - 1 others', () => {
    // N = 4, f = 2: a replica needs 4 matching messages from only 3 others.
    expect(exactSuccessProbability(4, 1n, 1n, 2).num).toBe(0n)
    expect(exactSuccessProbability(7, 99n, 100n, 4).num).toBe(0n)
  })

  it('defaults f to floor((N - 1) / 3)', () => {
    expect(exactSuccessProbability(10, 9n, 10n)).toEqual(exactSuccessProbability(10, 9n, 10n, 3))
    expect(compare(exactSuccessProbability(10, 9n, 10n), exactSuccessProbability(10, 9n, 10n, 2), 10n)).not.toBe(0)
  })

  it('increases strictly with p between 0 and 1, and stays within [0, 1]', () => {
    for (const nodes of [4, 7, 10]) {
      const values = Array.from({ length: 21 }, (_, i) => exactSuccessProbability(nodes, BigInt(i), 20n))
      for (let i = 1; i < values.length; i++) {
        const [previous, current] = [values[i - 1], values[i]] as [Scaled, Scaled]
        expect(compare(previous, current, 20n), `N=${nodes} at ${i}/20`).toBe(-1)
      }
      expect(values.every((x) => x.num >= 0n && x.num <= 20n ** BigInt(x.exp))).toBe(true)
    }
  })
})

describe('scaledToNumber', () => {
  it('rounds ordinary fractions to the nearest double', () => {
    expect(scaledToNumber({ num: 0n, exp: 7 }, 10n)).toBe(0)
    expect(scaledToNumber({ num: 1n, exp: 1 }, 3n)).toBe(1 / 3)
    expect(scaledToNumber({ num: 2n, exp: 1 }, 3n)).toBe(2 / 3)
    expect(scaledToNumber({ num: 9n, exp: 1 }, 10n)).toBe(0.9)
    expect(scaledToNumber({ num: 1n, exp: 0 }, 10n)).toBe(1)
    expect(scaledToNumber({ num: 123456789n, exp: 9 }, 10n)).toBe(0.123456789)
    expect(scaledToNumber({ num: 10n ** 30n, exp: 0 }, 10n)).toBe(1e30) // above 1: the quotient is shifted down, not up
  })

  it('keeps relative accuracy for tiny values, down to the subnormals', () => {
    expect(scaledToNumber({ num: 1n, exp: 300 }, 10n)).toBe(1e-300)
    expect(scaledToNumber({ num: 7n, exp: 400 }, 10n)).toBe(0) // 7e-400 is below every double
    expect(scaledToNumber({ num: 1n, exp: 1074 }, 2n)).toBe(Number.MIN_VALUE)
    expect(scaledToNumber({ num: 1n, exp: 1022 }, 2n)).toBe(2 ** -1022)
    expect(scaledToNumber({ num: 3n, exp: 1076 }, 2n)).toBe(Number.MIN_VALUE)
    expect(scaledToNumber({ num: 1n, exp: 1076 }, 2n)).toBe(0)
    // A binomial pmf far in its tail: (1/10)^200 and C(200, 1)(1/10)(9/10)^199.
    const row = exactBinomialRow(200, 1n, 10n)
    expect(scaledToNumber(row[200] as Scaled, 10n)).toBe(1e-200)
    const one = scaledToNumber(row[1] as Scaled, 10n)
    expect(Math.abs(one - 200 * 0.1 * 0.9 ** 199) / one).toBeLessThan(1e-13)
  })

  it('is within an ulp of the exact value for values spread over hundreds of binades', () => {
    // x = num / 10^exp against the double nearest to it, read back from a decimal string.
    for (const [num, exp] of [
      [31415926535897932384626433n, 26],
      [27182818284590452353602874n, 326],
      [1n, 308],
      [17n, 310],
      [999n, 150],
    ] as const) {
      const got = scaledToNumber({ num, exp }, 10n)
      const expected = Number(`${num}e-${exp}`)
      const ulp = expected > 0 ? Math.max(Number.MIN_VALUE, expected * Number.EPSILON) : Number.MIN_VALUE
      expect(Math.abs(got - expected), `${num}e-${exp}`).toBeLessThanOrEqual(ulp)
    }
  })
})

describe('exactReliability', () => {
  it('splits 1 exactly into success and the three phases at which a round stops short', () => {
    for (const quorumRule of ['original', 'castro-liskov'] as const) {
      for (const [nodes, a, b] of [[4, 9n, 10n], [5, 1n, 3n], [7, 99n, 100n], [10, 1n, 2n]] as const) {
        for (const silentBackups of [0, 1]) {
          const { success, failures } = exactReliability(nodes, a, b, { quorumRule, silentBackups })
          const parts = [success, failures.prePrepare, failures.prepare, failures.commit]
          const exp = Math.max(...parts.map((part) => part.exp))
          const total = parts.reduce((sum, part) => sum + part.num * b ** BigInt(exp - part.exp), 0n)
          expect(total, `${quorumRule} N=${nodes} k=${silentBackups}`).toBe(b ** BigInt(exp))
        }
      }
    }
  })

  it('gives the castro-liskov and silent-backup check values of MODEL.md', () => {
    expect(scaledToNumber(exactSuccessProbability(4, 9n, 10n, 1, 'castro-liskov'), 10n)).toBe(0.7907543172404601)
    expect(scaledToNumber(exactSuccessProbability(5, 9n, 10n, 1, 'castro-liskov'), 10n)).toBe(0.5999811135935901)
    const silent = exactReliability(4, 9n, 10n, { quorumRule: 'castro-liskov', silentBackups: 1 }).success
    expect(equalsFraction(silent, 10n, 282429536481n, 10n ** 12n)).toBe(true)
    expect(exactReliability(4, 9n, 10n, { silentBackups: 1 }).success.num).toBe(0n)
  })
})

describe('exactClientAccept', () => {
  it("gives MODEL.md's metric B at N = 4, p = 9/10", () => {
    expect(scaledToNumber(exactClientAccept(4, 9n, 10n), 10n)).toBe(0.5999428738974489)
    expect(scaledToNumber(exactClientAccept(4, 9n, 10n, { quorumRule: 'castro-liskov' }), 10n)).toBe(0.846607726424425)
  })

  it('at N = 3 (f = 0) is the chance that one of the committed replicas’ REPLYs arrives', () => {
    // N = 3, f = 0: nothing needs a quorum, so every replica in V_pp commits; the client needs
    // one REPLY: 1 - (1 - p)^|V_c| averaged over |V_c| = 1 + Bin(2, p).
    for (const [a, b] of [[1n, 2n], [9n, 10n]] as const) {
      const p = Number(a) / Number(b)
      const expected = [1, 2, 1].reduce((sum, ways, k) => sum + ways * p ** k * (1 - p) ** (2 - k) * (1 - (1 - p) ** (k + 1)), 0)
      expect(scaledToNumber(exactClientAccept(3, a, b), b)).toBeCloseTo(expected, 15)
    }
  })
})

describe('scaledLog10', () => {
  it('gives the logarithm of values far below the doubles', () => {
    expect(scaledLog10({ num: 1n, exp: 400 }, 10n)).toBeCloseTo(-400, 12)
    expect(scaledLog10({ num: 3n, exp: 2000 }, 2n)).toBeCloseTo(Math.log10(3) - 2000 * Math.log10(2), 9)
    expect(scaledLog10({ num: 0n, exp: 3 }, 10n)).toBe(Number.NEGATIVE_INFINITY)
  })
})
