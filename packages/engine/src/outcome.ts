import { successThreshold } from './quorum'

export const PHASES = ['pre-prepare', 'prepare', 'commit'] as const
export type Phase = (typeof PHASES)[number]

/**
 * How a round ends, exactly one of: `success` (at least N - f honest replicas committed one
 * value and no honest replica committed another), `no-decision` (too few committed, all on one
 * value) or `safety-violated` (two honest replicas committed different values: never a success).
 */
export const ROUND_OUTCOMES = ['success', 'no-decision', 'safety-violated'] as const
export type RoundOutcome = (typeof ROUND_OUTCOMES)[number]

/** Messages of a round (or their mean over many rounds). sent = delivered + dropped; rejected ⊆ delivered. */
export interface MessageCounts {
  sent: number
  delivered: number
  dropped: number
  /** Delivered but refused because authentication caught the tampering. */
  rejected: number
}

export interface RoundFailure {
  /** The first phase whose set fell short; for a safety violation, `commit` (where it happened). */
  phase: Phase
  /**
   * As the original system words a shortfall, e.g. `prepare: Np=3 < N-f=5`; a safety
   * violation reads `safety: honest replicas committed v and v′`.
   */
  reason: string
}

export interface RoundVerdict {
  /** True exactly when `outcome` is 'success'. */
  success: boolean
  failure: RoundFailure | null
  outcome: RoundOutcome
}

const SET_SYMBOL: Record<Phase, string> = { 'pre-prepare': 'Npp', prepare: 'Np', commit: 'Nc' }

/** `v`, `v and v′`, `v, v′ and v*`. */
function listValues(values: readonly string[]): string {
  if (values.length <= 1) return values.join('')
  return `${values.slice(0, -1).join(', ')} and ${values[values.length - 1] ?? ''}`
}

/** The failure of a round in which honest replicas committed the different `values`. */
export function safetyFailure(values: readonly string[]): RoundFailure {
  return { phase: 'commit', reason: `safety: honest replicas committed ${listValues(values)}` }
}

/**
 * The verdict of a round from the sizes of its honest sets and the distinct values honest
 * replicas committed. Success needs agreement: two or more decided values make the round
 * `safety-violated`, whatever the set sizes. Otherwise metric A: success when at least N - f
 * honest replicas committed, else `no-decision`, naming the first phase whose set fell short
 * of N - f in the original system's words.
 */
export function judgeRound(
  nodes: number,
  f: number,
  npp: number,
  np: number,
  nc: number,
  decidedValues: readonly string[] = [],
): RoundVerdict {
  if (decidedValues.length > 1) return { success: false, failure: safetyFailure(decidedValues), outcome: 'safety-violated' }
  const needed = successThreshold(nodes, f)
  const sizes: [Phase, number][] = [['pre-prepare', npp], ['prepare', np], ['commit', nc]]
  for (const [phase, size] of sizes) {
    if (size < needed) {
      const reason = `${phase}: ${SET_SYMBOL[phase]}=${size} < N-f=${needed}`
      return { success: false, failure: { phase, reason }, outcome: 'no-decision' }
    }
  }
  return { success: true, failure: null, outcome: 'success' }
}
