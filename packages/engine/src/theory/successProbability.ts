import { exactSuccessProbability, scaledToNumber } from './exactRational'
import { defaultFaultBound, quorumFromOthers, successThreshold } from '../quorum'
import { binomialPmfWindow, binomialTails } from './binomial'

/**
 * The exact probability that one all-honest round succeeds (metric A) when every message is
 * delivered independently with probability `p`: the closed form of `shared/MODEL.md`,
 *
 *   P = Σ_x B(N-1, x-1; p) Σ_y [q0·B(x-1, y-1; q1) + (1-q0)·B(x-1, y; q1)] · T(y, r; q2(y))
 *
 * with x = |V_pp|, y = |V_p|, r = N - f and the inner z-sum over |V_c| written as the tail
 * T(y, r; q2). A short decimal p (at most six digits, as people type them) is taken as the decimal
it prints as: for N <= EXACT_MAX_NODES the value is then computed exactly and correctly
rounded, above that in floating point with p's decimal complement. The result lies in [0, 1] and is within
 * a few 1e-15 absolute of the exact value (checked against exact rational and 40-digit
 * evaluations up to N = 10,000); the time is O(N^1.5), as every binomial row is summed only
 * over its non-negligible window of O(sqrt(N)) terms.
 *
 * @param nodes N >= 1 replicas.
 * @param p per-message delivery probability in [0, 1].
 * @param f fault bound, an integer in [0, N - 1]; defaults to floor((N - 1) / 3).
 * @throws RangeError for a non-integer or non-positive N, p outside [0, 1] or NaN, or a bad f.
 */
export function successProbability(nodes: number, p: number, f: number = defaultFaultBound(nodes)): number {
  if (!Number.isSafeInteger(nodes) || nodes < 1) {
    throw new RangeError(`successProbability: nodes must be an integer >= 1, got ${nodes}`)
  }
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RangeError(`successProbability: p must be a probability in [0, 1], got ${p}`)
  }
  if (!Number.isInteger(f) || f < 0 || f >= nodes) {
    throw new RangeError(`successProbability: f must be an integer in [0, ${nodes - 1}], got ${f}`)
  }

  const decimal = decimalOf(p)
  if (decimal && nodes <= EXACT_MAX_NODES) {
    return scaledToNumber(exactSuccessProbability(nodes, decimal.numerator, decimal.denominator, f), decimal.denominator)
  }
  return successProbabilityFloat(nodes, p, f, decimal ? decimalComplement(decimal) : 1 - p)
}

/**
 * The O(N²) floating-point evaluation (no input validation: `successProbability` validates).
 * `pc` is 1 - p, passed separately so that a decimal p such as 0.9 is paired with the double
 * nearest to its decimal complement 0.1 rather than with 1 - 0.9 = 0.09999999999999998.
 * @internal exported for the tests that check it against the exact evaluation.
 */
export function successProbabilityFloat(
  nodes: number,
  p: number,
  f: number = defaultFaultBound(nodes),
  pc: number = 1 - p,
): number {
  const n = nodes
  const k = quorumFromOthers(f)
  const r = successThreshold(n, f)

  // prepared[m + 1] (and its complement) = T(m, 2f; p): the chance that a replica hearing
  // from m others reaches the quorum, for m = -1..N-1. q0 = T(x-1), q1 = T(x-2), q2 = T(y-1).
  const prepared = new Float64Array(n + 1)
  const unprepared = new Float64Array(n + 1)
  for (let m = -1; m < n; m++) {
    const tails = binomialTails(m, k, p, pc)
    prepared[m + 1] = tails.upper
    unprepared[m + 1] = tails.lower
  }

  // committed[y] = Σ_{z=r..y} B(y, z; q2(y)) = T(y, r; q2(y)), for y = r..N.
  const committed = new Float64Array(n + 1)
  for (let y = r; y <= n; y++) {
    committed[y] = binomialTails(y, r, prepared[y] ?? 0, unprepared[y] ?? 1).upper
  }

  const preprepared = new Float64Array(n)
  const outer = binomialPmfWindow(n - 1, p, pc, preprepared)
  const row = new Float64Array(n)
  let total = 0
  let compensation = 0
  // x - 1 backups received the pre-prepare: only x with a non-negligible weight contribute.
  for (let x = Math.max(r, outer.lo + 1); x <= Math.min(n, outer.hi + 1); x++) {
    const weight = preprepared[x - 1] ?? 0
    const q0 = prepared[x] ?? 0
    const notQ0 = unprepared[x] ?? 1
    const inner = binomialPmfWindow(x - 1, prepared[x - 1] ?? 0, unprepared[x - 1] ?? 1, row)
    // y - 1 backups prepared besides a prepared primary, or y backups without it.
    let withPrimary = 0
    for (let j = Math.max(inner.lo, r - 1); j <= Math.min(inner.hi, x - 1); j++) {
      withPrimary += (row[j] ?? 0) * (committed[j + 1] ?? 0)
    }
    let withoutPrimary = 0
    for (let j = Math.max(inner.lo, r); j <= Math.min(inner.hi, x - 1); j++) {
      withoutPrimary += (row[j] ?? 0) * (committed[j] ?? 0)
    }
    // Neumaier summation: the outer sum has up to N terms of very different sizes.
    const term = weight * (q0 * withPrimary + notQ0 * withoutPrimary)
    const next = total + term
    compensation += Math.abs(total) >= Math.abs(term) ? total - next + term : term - next + total
    total = next
  }
  return Math.min(1, Math.max(0, total + compensation))
}

/**
 * Up to this many replicas the formula is evaluated exactly in rational arithmetic (well under
 * a millisecond for N = 12 with a six-digit p), so results are correctly rounded and match
 * published values such as MODEL.md's to the last digit.
 */
export const EXACT_MAX_NODES = 12
/** Decimal digits of p up to which the exact evaluation stays cheap. */
const EXACT_MAX_DIGITS = 6

interface Decimal {
  numerator: bigint
  denominator: bigint
  digits: number
}

/**
 * p as the short decimal it prints as (0.9 → 9/10), when it has at most EXACT_MAX_DIGITS
 * digits: people type decimal probabilities, and 9/10 is what they mean by 0.9.
 */
function decimalOf(p: number): Decimal | null {
  if (p === 0 || p === 1) return { numerator: BigInt(p), denominator: 1n, digits: 0 }
  const match = /^0\.(\d+)$/.exec(String(p))
  const digits = match?.[1]
  if (!digits || digits.length > EXACT_MAX_DIGITS) return null
  return { numerator: BigInt(digits), denominator: 10n ** BigInt(digits.length), digits: digits.length }
}

/** The double nearest to 1 - p for a decimal p, e.g. 0.1 for 0.9. */
function decimalComplement(decimal: Decimal): number {
  const rest = decimal.denominator - decimal.numerator
  if (decimal.digits === 0) return Number(rest)
  return Number(`0.${rest.toString().padStart(decimal.digits, '0')}`)
}
