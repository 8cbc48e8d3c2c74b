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
// A pmf window drops terms whose total is below this fraction of the peak term.
const WINDOW_TOLERANCE = 2 ** -72

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
  if (j < 0 || j > m) return 0
  if (p === 0) return j === 0 ? 1 : 0
  if (q === 0) return j === m ? 1 : 0
  if (j === 0) {
    if (m === 0) return 1
    return Math.exp(p < 0.1 ? -bd0(m, m * q) - m * p : m * Math.log(q))
  }
  if (j === m) return Math.exp(q < 0.1 ? -bd0(m, m * p) - m * q : m * Math.log(p))
  const lc = stirlerr(m) - stirlerr(j) - stirlerr(m - j) - bd0(j, m * p) - bd0(m - j, m * q)
  // log(1 - j/m): near j = m the rounding of j/m would swamp 1 - j/m, so use (m - j)/m there.
  const logRest = 2 * j <= m ? Math.log1p(-j / m) : Math.log((m - j) / m)
  const lf = LN_2PI + Math.log(j) + logRest
  return Math.exp(lc - 0.5 * lf)
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

/** The index range `lo..hi` of a pmf window; terms outside it are negligible. */
export interface PmfWindow {
  lo: number
  hi: number
}

/**
 * Writes `out[j] = P[Bin(m, p) = j]` for j in the returned window `lo..hi` and leaves the rest
 * of `out` untouched; the terms left out on each side total less than 2^-72 of the peak, and
 * the window is rescaled to sum to 1. `out` needs at least m + 1 entries. Linear in the
 * window's width, which is O(sqrt(m p (1-p))) plus a constant.
 */
export function binomialPmfWindow(m: number, p: number, q: number, out: Float64Array): PmfWindow {
  if (m === 0 || p === 0) {
    out[0] = 1
    return { lo: 0, hi: 0 }
  }
  if (q === 0) {
    out[m] = 1
    return { lo: m, hi: m }
  }
  const mode = binomialMode(m, p)
  const peak = binomialPmf(mode, m, p, q)
  const negligible = WINDOW_TOLERANCE * peak
  out[mode] = peak

  let hi = mode
  let term = peak
  const odds = p / q
  while (hi < m) {
    const ratio = ((m - hi) / (hi + 1)) * odds
    term *= ratio
    hi++
    out[hi] = term
    if (term * ratio <= negligible * (1 - ratio)) break
  }

  let lo = mode
  term = peak
  const inverseOdds = q / p
  while (lo > 0) {
    const ratio = (lo / (m - lo + 1)) * inverseOdds
    term *= ratio
    lo--
    out[lo] = term
    if (term * ratio <= negligible * (1 - ratio)) break
  }
  // The window holds all of the mass but 2^-72 of it, so rescaling it to sum 1 cancels the
  // anchor's relative error and most of the drift of the recurrences.
  let sum = 0
  for (let j = lo; j <= hi; j++) sum += out[j] ?? 0
  const scale = 1 / sum
  for (let j = lo; j <= hi; j++) out[j] = (out[j] ?? 0) * scale
  return { lo, hi }
}
