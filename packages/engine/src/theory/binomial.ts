/**
 * Accurate binomial building blocks for the exact theory.
 *
 * Every probability travels with its complement: `p` and `q = 1 - p` are both passed in and
 * both must be accurate to a few ulps *relative*. The theory feeds tail probabilities back in
 * as success probabilities, and such a tail can sit within 1e-14 of 1 or closer; its
 * complement recomputed as `1 - tail` would then keep a digit or two at best (none within an
 * ulp of 1), while `tail^m` for m in the thousands still differs from 1 at the 1e-10 level.
 *
 * Point probabilities follow Loader's saddle-point algorithm ("Fast and accurate computation
 * of binomial probabilities", 2000; R's `dbinom_raw`), which has small relative error across
 * the whole support. Sums then walk outward from one such anchor with the ratio recurrence,
 * always in the direction in which the terms shrink, so underflow only ever hits terms that
 * are negligible next to what has been summed already.
 */

const LN_2PI = 1.8378770664093456 // log(2π), correctly rounded

// stirlerr(n) = log(n!) - log(sqrt(2πn) (n/e)^n) for n = 0..15 (entry 0 unused), computed with
// mpmath at 40 digits: the asymptotic series below is not accurate enough for small n.
const STIRLERR_SMALL = [
  0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093,
  0.016644691189821193, 0.013876128823070748, 0.01189670994589177, 0.010411265261972096,
  0.009255462182712733, 0.00833056343336287, 0.007573675487951841, 0.00694284010720953,
  0.006408994188004207, 0.0059513701127588475, 0.005554733551962801,
] as const

const S0 = 1 / 12
const S1 = 1 / 360
const S2 = 1 / 1260
const S3 = 1 / 1680
const S4 = 1 / 1188

// A tail sum stops once the remaining terms (bounded by a geometric series, since the ratio
// of consecutive terms only shrinks away from the mode) are below this fraction of the sum.
const TAIL_TOLERANCE = 2 ** -64

/**
 * The error of Stirling's formula, `log(n!) - log(sqrt(2πn) (n/e)^n)`, for an integer n >= 1.
 */
export function stirlerr(n: number): number {
  if (n <= 15) return STIRLERR_SMALL[n] ?? 0
  const nn = n * n
  if (n > 500) return (S0 - S1 / nn) / n
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
}

/**
 * The deviance term `x log(x / np) + np - x`, computed without the cancellation that the
 * formula suffers when x is close to np (where a series in (x - np) / (x + np) is used).
 */
export function bd0(x: number, np: number): number {
  const d = x - np
  if (Math.abs(d) < 0.1 * (x + np)) {
    let v = d / (x + np)
    let s = d * v
    if (Math.abs(s) < Number.MIN_VALUE) return s
    let ej = 2 * x * v
    v *= v
    for (let j = 1; j < 1000; j++) {
      ej *= v
      const next = s + ej / (2 * j + 1)
      if (next === s) return next
      s = next
    }
    return s
  }
  return x * Math.log(x / np) + np - x
}

/**
 * `P[Bin(m, p) = j]`, accurate to a small relative error, given `q = 1 - p` accurately.
 * Zero outside the support `0..m`.
 */
export function binomialPmf(j: number, m: number, p: number, q: number = 1 - p): number {
  return Math.exp(logBinomialPmf(j, m, p, q))
}

/**
 * `log P[Bin(m, p) = j]` by the same saddle-point formula (-Infinity outside the support), so
 * that a probability below the smallest double still has a logarithm: its absolute error is a
 * few ulps of its magnitude, which is the relative error of the probability.
 */
export function logBinomialPmf(j: number, m: number, p: number, q: number = 1 - p): number {
  if (j < 0 || j > m) return Number.NEGATIVE_INFINITY
  if (p === 0) return j === 0 ? 0 : Number.NEGATIVE_INFINITY
  if (q === 0) return j === m ? 0 : Number.NEGATIVE_INFINITY
  if (j === 0) {
    if (m === 0) return 0
    return p < 0.1 ? -bd0(m, m * q) - m * p : m * Math.log(q)
  }
  if (j === m) return q < 0.1 ? -bd0(m, m * p) - m * q : m * Math.log(p)
  const lc = stirlerr(m) - stirlerr(j) - stirlerr(m - j) - bd0(j, m * p) - bd0(m - j, m * q)
  // log(1 - j/m): near j = m the rounding of j/m would swamp 1 - j/m, so use (m - j)/m there.
  const logRest = 2 * j <= m ? Math.log1p(-j / m) : Math.log((m - j) / m)
  const lf = LN_2PI + Math.log(j) + logRest
  return lc - 0.5 * lf
}

/**
 * `log C(m, j)` for 0 <= j <= m, to a few ulps of its magnitude: Stirling's formula with the
 * exact error terms, written as sums of non-negative terms so nothing cancels.
 */
export function logChoose(m: number, j: number): number {
  if (j === 0 || j === m) return 0
  const rest = m - j
  return (
    j * Math.log1p(rest / j) +
    rest * Math.log1p(j / rest) +
    0.5 * (Math.log(m) - Math.log(j) - Math.log(rest) - LN_2PI) +
    stirlerr(m) -
    stirlerr(j) -
    stirlerr(rest)
  )
}

/**
 * A mode of Bin(m, p), floor((m + 1) p): terms rise (weakly) up to it and fall after it. Off
 * by one at worst when (m + 1) p rounds across an integer, which the sums below tolerate.
 */
export function binomialMode(m: number, p: number): number {
  return Math.min(m, Math.max(0, Math.floor((m + 1) * p)))
}

/** Both tails of Bin(m, p) at k: `upper = P[X >= k]`, `lower = P[X < k] = 1 - upper`. */
export interface BinomialTails {
  upper: number
  lower: number
}

/**
 * `P[Bin(m, p) >= k]` and its complement, each to a small relative error: the tail that does
 * not hold the mode is summed directly, the other one is its complement (it holds the mode,
 * hence is of order 1/2 and the subtraction is harmless). `T = 1` for k <= 0 and `T = 0` for k > m, m = -1 included.
 */
export function binomialTails(m: number, k: number, p: number, q: number = 1 - p): BinomialTails {
  if (k <= 0) return { upper: 1, lower: 0 }
  if (k > m) return { upper: 0, lower: 1 }
  if (p === 0) return { upper: 0, lower: 1 }
  if (q === 0) return { upper: 1, lower: 0 }
  if (k > binomialMode(m, p)) {
    const upper = Math.min(1, sumUpward(k, m, p, q))
    return { upper, lower: 1 - upper }
  }
  const lower = Math.min(1, sumDownward(k - 1, m, p, q))
  return { upper: 1 - lower, lower }
}

/** Σ_{j=from..m} P[Bin(m, p) = j] for `from` above the mode. */
function sumUpward(from: number, m: number, p: number, q: number): number {
  let term = binomialPmf(from, m, p, q)
  let sum = term
  const odds = p / q
  for (let j = from; j < m && term > 0; j++) {
    const ratio = ((m - j) / (j + 1)) * odds
    term *= ratio
    sum += term
    if (term * ratio <= TAIL_TOLERANCE * sum * (1 - ratio)) break
  }
  return sum
}

/** Σ_{j=0..from} P[Bin(m, p) = j] for `from` below the mode. */
function sumDownward(from: number, m: number, p: number, q: number): number {
  let term = binomialPmf(from, m, p, q)
  let sum = term
  const odds = q / p
  for (let j = from; j > 0 && term > 0; j--) {
    const ratio = (j / (m - j + 1)) * odds
    term *= ratio
    sum += term
    if (term * ratio <= TAIL_TOLERANCE * sum * (1 - ratio)) break
  }
  return sum
}
