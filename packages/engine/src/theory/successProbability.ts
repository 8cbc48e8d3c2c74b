/**
 * The exact theory of one all-honest round (shared/MODEL.md), public API: metric A, its
 * complement and per-phase split, their logarithms, and the client's view (metric B), for
 * either quorum rule. Inputs are validated here; the evaluation is exact (BigInt rationals)
 * for small N and a short decimal p, and otherwise the extended-exponent floating-point
 * evaluation of `reliabilityModel.ts`.
 */
import type { Phase } from '../outcome'
import { DEFAULT_QUORUM_RULE, defaultFaultBound, isQuorumRule, QUORUM_RULES, type QuorumRule } from '../quorum'
import { complement, exactClientAccept, exactReliability, scaledLog10, scaledToNumber, type Scaled } from './exactRational'
import { add, log10Of, toNumber, type Extended } from './extended'
import { ReliabilityModel, type ModelOptions } from './reliabilityModel'

/** How the theory is asked beyond N, p and f. */
export interface TheoryOptions {
  /** Default 'original' (the published numbers). */
  quorumRule?: QuorumRule
  /**
   * Backups that are silent (never send nor receive; the primary stays honest), default 0:
   * the pre-prepare then reaches at most N - 1 - k backups, B(N-1, x-1; p) becoming
   * B(N-1-k, x-1; p) in the closed form.
   */
  silentBackups?: number
}

/** Metric A with its complement, both to full relative precision, and their logarithms. */
export interface Reliability {
  /** P: the round succeeds (N - f replicas commit). */
  successRate: number
  /** 1 - P, summed from the complementary events (no cancellation). */
  failureRate: number
  /** log10 P, finite even where P underflows to 0 (-Infinity only when P is exactly 0). */
  log10SuccessRate: number
  log10FailureRate: number
  /** 1 - P by the first phase whose set fell short (they sum to failureRate). */
  failures: Record<Phase, number>
}

/** Metric B (the client accepts on f + 1 matching REPLYs) and its complement. */
export interface ClientReliability {
  acceptRate: number
  failureRate: number
  log10AcceptRate: number
  log10FailureRate: number
}

/**
 * Up to this many replicas the formula is evaluated exactly in rational arithmetic (well under
 * a millisecond for N = 12 with a six-digit p), so results are correctly rounded and match
 * published values such as MODEL.md's to the last digit.
 */
export const EXACT_MAX_NODES = 12
/** Decimal digits of p up to which the exact evaluation stays cheap. */
const EXACT_MAX_DIGITS = 6

interface Question extends ModelOptions {
  nodes: number
  p: number
  /** 1 - p, accurately (the decimal complement of a decimal p). */
  pc: number
  decimal: Decimal | null
}

type RuleArgument = QuorumRule | TheoryOptions | undefined

/** Reads (N, p, f?, options?) or (N, p, options) and validates them, naming `what` in errors. */
function question(what: string, nodes: number, p: number, fOrRule: number | RuleArgument, rule: RuleArgument): Question {
  if (!Number.isSafeInteger(nodes) || nodes < 1) throw new RangeError(`${what}: nodes must be an integer >= 1, got ${nodes}`)
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RangeError(`${what}: p must be a probability in [0, 1], got ${p}`)
  }
  const given = typeof fOrRule === 'number' || fOrRule === undefined ? rule : fOrRule
  const f = typeof fOrRule === 'number' ? fOrRule : defaultFaultBound(nodes)
  if (!Number.isInteger(f) || f < 0 || f >= nodes) {
    throw new RangeError(`${what}: f must be an integer in [0, ${nodes - 1}], got ${f}`)
  }
  const options: TheoryOptions = typeof given === 'string' ? { quorumRule: given } : (given ?? {})
  const quorumRule = options.quorumRule ?? DEFAULT_QUORUM_RULE
  if (!isQuorumRule(quorumRule)) {
    throw new RangeError(`${what}: quorumRule must be ${QUORUM_RULES.join(' or ')}, got ${String(quorumRule)}`)
  }
  const silentBackups = options.silentBackups ?? 0
  if (!Number.isInteger(silentBackups) || silentBackups < 0 || silentBackups > nodes - 1) {
    throw new RangeError(`${what}: silentBackups must be an integer in [0, ${nodes - 1}], got ${silentBackups}`)
  }
  const decimal = decimalOf(p)
  const pc = decimal ? decimalComplement(decimal) : 1 - p
  return { nodes, p, pc, f, quorumRule, silentBackups, decimal }
}

function exactApplies(q: Question): q is Question & { decimal: Decimal } {
  return q.decimal !== null && q.nodes <= EXACT_MAX_NODES
}

function model(q: Question): ReliabilityModel {
  return new ReliabilityModel(q.nodes, q.p, q.pc, q)
}

/**
 * The exact probability that one all-honest round succeeds (metric A) when every message is
 * delivered independently with probability `p`: the closed form of shared/MODEL.md with the
 * thresholds of the quorum rule. A short decimal p (at most six digits, as people type them)
 * is taken as the decimal it prints as: for N <= EXACT_MAX_NODES the value is then computed
 * exactly and correctly rounded; otherwise in floating point with extended exponents, to a
 * relative error of a few 1e-15 for values of ordinary size and about |log P| ulps for tiny
 * ones, down to the smallest positive double (N = 13 at p = 0.1 is 2.83e-131, not 0). The
 * time is O(N^1.5) at worst, a few milliseconds at N = 10,000.
 *
 * @param nodes N >= 1 replicas.
 * @param p per-message delivery probability in [0, 1].
 * @param f fault bound, an integer in [0, N - 1]; defaults to floor((N - 1) / 3). May be left
 *   out: `successProbability(4, 0.9, 'castro-liskov')`.
 * @param options the quorum rule ('original' by default), or `{ quorumRule, silentBackups }`.
 * @throws RangeError for a non-integer or non-positive N, p outside [0, 1] or NaN, a bad f,
 *   an unknown rule or a bad number of silent backups.
 */
export function successProbability(nodes: number, p: number, f?: number, options?: QuorumRule | TheoryOptions): number
export function successProbability(nodes: number, p: number, options: QuorumRule | TheoryOptions): number
export function successProbability(nodes: number, p: number, f?: number | RuleArgument, options?: RuleArgument): number {
  const q = question('successProbability', nodes, p, f, options)
  if (exactApplies(q)) return scaledToNumber(exactOf(q).success, q.decimal.denominator)
  const evaluation = model(q)
  const success = toNumber(evaluation.success())
  // Near 1, 1 - (1 - P) is correctly rounded where the sum of P's terms may be an ulp or two off.
  return success > NEAR_ONE ? 1 - toNumber(totalFailure(evaluation)) : success
}

/** Above this, P is taken as 1 - (1 - P), the complement summed on its own. */
const NEAR_ONE = 1 - 2 ** -20

function totalFailure(evaluation: ReliabilityModel): Extended {
  const { prePrepare, prepare, commit } = evaluation.failures()
  return add(add(prePrepare, prepare), commit)
}

/**
 * 1 - successProbability, computed as the sum of the complementary events (the round stops
 * short at pre-prepare, prepare or commit), so it keeps its relative precision where P is
 * within 1e-16 of 1: N = 100 at p = 0.99 gives 1.76e-35 under the original rule.
 * Arguments as for `successProbability`.
 */
export function failureProbability(nodes: number, p: number, f?: number, options?: QuorumRule | TheoryOptions): number
export function failureProbability(nodes: number, p: number, options: QuorumRule | TheoryOptions): number
export function failureProbability(nodes: number, p: number, f?: number | RuleArgument, options?: RuleArgument): number {
  return reliabilityOf(question('failureProbability', nodes, p, f, options)).failureRate
}

/**
 * log10 of successProbability, finite wherever P > 0 even when P itself is below the smallest
 * double (N = 1000 at p = 0.1). Arguments as for `successProbability`.
 */
export function log10SuccessProbability(nodes: number, p: number, f?: number, options?: QuorumRule | TheoryOptions): number
export function log10SuccessProbability(nodes: number, p: number, options: QuorumRule | TheoryOptions): number
export function log10SuccessProbability(nodes: number, p: number, f?: number | RuleArgument, options?: RuleArgument): number {
  const q = question('log10SuccessProbability', nodes, p, f, options)
  if (exactApplies(q)) {
    const { success } = exactOf(q)
    return exactLog10(success, complement(success, q.decimal.denominator), q.decimal.denominator)
  }
  const evaluation = model(q)
  const success = evaluation.success()
  // Near 1, log10 P = log1p(-(1 - P)) / ln 10 keeps the digits that P itself has lost.
  if (toNumber(success) > NEAR_ONE) return Math.log1p(-toNumber(totalFailure(evaluation))) / Math.LN10
  return log10Of(success)
}

/**
 * Everything about metric A at once: P, 1 - P, their log10 and 1 - P by failing phase.
 * Arguments as for `successProbability`.
 */
export function reliability(nodes: number, p: number, f?: number, options?: QuorumRule | TheoryOptions): Reliability
export function reliability(nodes: number, p: number, options: QuorumRule | TheoryOptions): Reliability
export function reliability(nodes: number, p: number, f?: number | RuleArgument, options?: RuleArgument): Reliability {
  return reliabilityOf(question('reliability', nodes, p, f, options))
}

/**
 * Metric B of MODEL.md ("The client's view"): the probability that the client receives f + 1
 * matching REPLYs, every committed replica sending one over a link that delivers with
 * probability p. N = 4 at p = 0.9: 0.5999428738974489 (original), 0.846607726424425
 * (castro-liskov). Arguments as for `successProbability`.
 */
export function clientAcceptProbability(nodes: number, p: number, f?: number, options?: QuorumRule | TheoryOptions): number
export function clientAcceptProbability(nodes: number, p: number, options: QuorumRule | TheoryOptions): number
export function clientAcceptProbability(nodes: number, p: number, f?: number | RuleArgument, options?: RuleArgument): number {
  return clientOf(question('clientAcceptProbability', nodes, p, f, options)).acceptRate
}

/** Metric B with its complement (no cancellation) and their log10. Arguments as for `successProbability`. */
export function clientReliability(nodes: number, p: number, f?: number, options?: QuorumRule | TheoryOptions): ClientReliability
export function clientReliability(nodes: number, p: number, options: QuorumRule | TheoryOptions): ClientReliability
export function clientReliability(nodes: number, p: number, f?: number | RuleArgument, options?: RuleArgument): ClientReliability {
  return clientOf(question('clientReliability', nodes, p, f, options))
}

function exactOf(q: Question & { decimal: Decimal }): ReturnType<typeof exactReliability> {
  const { f, quorumRule, silentBackups } = q
  return exactReliability(q.nodes, q.decimal.numerator, q.decimal.denominator, { f, quorumRule, silentBackups })
}

function reliabilityOf(q: Question): Reliability {
  if (exactApplies(q)) {
    const base = q.decimal.denominator
    const exact = exactOf(q)
    const failure = complement(exact.success, base)
    const { prePrepare, prepare, commit } = exact.failures
    return {
      successRate: scaledToNumber(exact.success, base),
      failureRate: scaledToNumber(failure, base),
      log10SuccessRate: exactLog10(exact.success, failure, base),
      log10FailureRate: exactLog10(failure, exact.success, base),
      failures: {
        'pre-prepare': scaledToNumber(prePrepare, base),
        prepare: scaledToNumber(prepare, base),
        commit: scaledToNumber(commit, base),
      },
    }
  }
  const evaluation = model(q)
  const success = evaluation.success()
  const { prePrepare, prepare, commit } = evaluation.failures()
  return floatReliability(success, [prePrepare, prepare, commit])
}

function floatReliability(success: Extended, parts: [Extended, Extended, Extended]): Reliability {
  const [prePrepare, prepare, commit] = parts
  const failure = parts.reduce(add)
  const [successRate, failureRate, log10SuccessRate, log10FailureRate] = complementary(success, failure)
  return {
    successRate,
    failureRate,
    log10SuccessRate,
    log10FailureRate,
    failures: { 'pre-prepare': toNumber(prePrepare), prepare: toNumber(prepare), commit: toNumber(commit) },
  }
}

/**
 * A probability and its complement, each summed on its own, as doubles and log10s: whichever
 * is the smaller keeps its own digits, and the larger, above 1/2, is 1 minus it (no
 * cancellation there), so the two add up to 1 to the last ulp.
 */
function complementary(x: Extended, rest: Extended): [number, number, number, number] {
  const value = toNumber(x)
  const other = toNumber(rest)
  if (value > 0.5) return [1 - other, other, Math.log1p(-other) / Math.LN10, log10Of(rest)]
  return [value, 1 - value, log10Of(x), Math.log1p(-value) / Math.LN10]
}

function clientOf(q: Question): ClientReliability {
  if (exactApplies(q)) {
    const base = q.decimal.denominator
    const { f, quorumRule, silentBackups } = q
    const accept = exactClientAccept(q.nodes, q.decimal.numerator, base, { f, quorumRule, silentBackups })
    const failure = complement(accept, base)
    return {
      acceptRate: scaledToNumber(accept, base),
      failureRate: scaledToNumber(failure, base),
      log10AcceptRate: exactLog10(accept, failure, base),
      log10FailureRate: exactLog10(failure, accept, base),
    }
  }
  const evaluation = model(q)
  const [acceptRate, failureRate, log10AcceptRate, log10FailureRate] = complementary(evaluation.clientAccept(), evaluation.clientFailure())
  return { acceptRate, failureRate, log10AcceptRate, log10FailureRate }
}

/**
 * log10 of an exact value x, given its complement 1 - x: near 1 from log1p of the complement
 * (so log10 of 1 - 1e-30 is -4.3e-31, not 0), elsewhere from the BigInt digits.
 */
function exactLog10(x: Scaled, rest: Scaled, base: bigint): number {
  const value = scaledToNumber(x, base)
  if (value > 0.5) return Math.log1p(-scaledToNumber(rest, base)) / Math.LN10
  return scaledLog10(x, base)
}

/**
 * The extended-exponent evaluation with p's complement given separately (for a decimal p such
 * as 0.9, the double nearest 0.1 rather than 1 - 0.9 = 0.09999999999999998); no validation.
 * @internal exported for the tests that check it against the exact evaluation.
 */
export function successProbabilityFloat(
  nodes: number,
  p: number,
  f: number = defaultFaultBound(nodes),
  pc: number = 1 - p,
  options: Partial<Omit<ModelOptions, 'f'>> = {},
): number {
  const { quorumRule = DEFAULT_QUORUM_RULE, silentBackups = 0 } = options
  return toNumber(new ReliabilityModel(nodes, p, pc, { f, quorumRule, silentBackups }).success())
}

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
