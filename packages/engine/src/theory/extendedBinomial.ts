/**
 * Binomial probabilities whose success probability is itself an extended number (a tail that
 * may be 10^-600, or within 10^-600 of 1), with results that never underflow. Built on the
 * double-precision algorithms of `binomial.ts`: a pmf is Loader's saddle-point formula taken
 * as a logarithm, or, within a few steps of the mode, the mode's value times exact ratios, so
 * that e.g. B(2, 2; 10^-300) is 10^-600 to an ulp or two rather than to |log| ulps.
 */
import { binomialMode, logBinomialPmf, logChoose } from './binomial'
import {
  CERTAIN,
  complementOf,
  divide,
  extended,
  fromLog,
  IMPOSSIBLE,
  isZero,
  linear,
  logOf,
  multiply,
  ONE,
  scale,
  toNumber,
  ZERO,
  type Chance,
  type Extended,
} from './extended'

/** Within this many steps of the mode a pmf is walked to from the mode by exact ratios. */
const WALK_STEPS = 16
/** A tail sum stops once the remaining terms (a geometric bound) are below this fraction of it. */
const TAIL_TOLERANCE = 2 ** -64

/** A mode of Bin(m, c.p): floor((m + 1) p), 0 when p is below every double, m when 1 - p is. */
export function modeOf(m: number, c: Chance): number {
  const p = linear(c.p)
  if (p === null) return 0
  if (linear(c.q) === null) return m
  return binomialMode(m, p)
}

/** The odds p / (1 - p) as an extended number (the caller ensures both are non-zero). */
export function oddsOf(c: Chance): Extended {
  return divide(c.p, c.q)
}

/** `log P[Bin(m, p) = j]` from log p and log(1 - p), for a p (or 1 - p) below every double. */
function logPmfFromLogs(j: number, m: number, logP: number, logQ: number): number {
  if (j === 0) return m * logQ
  if (j === m) return m * logP
  return logChoose(m, j) + j * logP + (m - j) * logQ
}

function logPmf(j: number, m: number, c: Chance): number {
  const p = linear(c.p)
  const q = linear(c.q)
  if (p !== null && q !== null) return logBinomialPmf(j, m, p, q)
  return logPmfFromLogs(j, m, logOf(c.p), logOf(c.q))
}

/** `P[Bin(m, p) = j]` as an extended number, to a small relative error however small it is. */
export function pmfExtended(j: number, m: number, c: Chance): Extended {
  if (j < 0 || j > m) return ZERO
  if (isZero(c.p)) return j === 0 ? ONE : ZERO
  if (isZero(c.q)) return j === m ? ONE : ZERO
  const mode = modeOf(m, c)
  if (j === mode || Math.abs(j - mode) > WALK_STEPS) return fromLog(logPmf(j, m, c))
  // Near the mode: the mode's value (a log of modest size) times exact ratios.
  let term = fromLog(logPmf(mode, m, c))
  const odds = oddsOf(c)
  if (j > mode) {
    for (let i = mode; i < j; i++) term = multiply(scale(term, (m - i) / (i + 1)), odds)
  } else {
    for (let i = mode; i > j; i--) term = divide(scale(term, i / (m - i + 1)), odds)
  }
  return term
}

/**
 * `T = P[Bin(m, p) >= t]` (as `p`) and `P[Bin(m, p) < t]` (as `q`), each to a small relative
 * error: the tail away from the mode is summed from its first term outward, the other one is
 * its complement (it holds the mode, so it is at least about 1/2 and nothing cancels).
 */
export function tailChance(m: number, t: number, c: Chance): Chance {
  if (t <= 0) return CERTAIN
  if (t > m) return IMPOSSIBLE
  if (isZero(c.p)) return IMPOSSIBLE
  if (isZero(c.q)) return CERTAIN
  if (t > modeOf(m, c)) {
    const upper = awayFromMode(t, m, c, 1)
    return { p: upper, q: complementOf(upper) }
  }
  const lower = awayFromMode(t - 1, m, c, -1)
  return { p: complementOf(lower), q: lower }
}

/**
 * Σ P[Bin(m, p) = j] from j = `from` outward in `direction` (+1 up to m, -1 down to 0), with
 * `from` on the far side of the mode so terms only shrink (after at most one step).
 */
function awayFromMode(from: number, m: number, c: Chance, direction: 1 | -1): Extended {
  const anchor = pmfExtended(from, m, c)
  // Relative terms in plain doubles: they start at 1 and shrink, and whatever underflows is
  // below 2^-1074 of the anchor. Extreme odds only make them vanish sooner.
  const odds = toNumber(direction === 1 ? oddsOf(c) : oddsOf({ p: c.q, q: c.p }))
  let term = 1
  let sum = 1
  for (let j = from; direction === 1 ? j < m : j > 0; j += direction) {
    const ratio = (direction === 1 ? (m - j) / (j + 1) : j / (m - j + 1)) * odds
    term *= ratio
    if (term === 0) break
    sum += term
    if (ratio < 1 && term * ratio <= TAIL_TOLERANCE * sum * (1 - ratio)) break
  }
  return multiply(anchor, extended(sum))
}
