import type { MessageCounts, RoundFailure, RoundOutcome } from '../outcome'
import type { QuorumRule } from '../quorum'
import type { ReplicaSnapshot } from './replica'
import type { TracedMessage } from './trace'

/** Sizes of the README's sets, over honest replicas only. */
export interface RoundSets {
  /** |V_pp|: honest replicas that accepted a value (an honest primary included). */
  prePrepared: number
  /** |V_p|: honest prepared replicas. */
  prepared: number
  /** |V_c|: honest committed replicas. */
  committed: number
}

export interface RoundResult {
  nodes: number
  f: number
  seed: number
  /**
   * At least N - f honest replicas committed one value and no honest replica committed
   * another (metric A with agreement): true exactly when `outcome` is 'success'.
   */
  success: boolean
  /** Why the round did not succeed: the first short phase, or the safety violation. */
  failure: RoundFailure | null
  /** success, no-decision or safety-violated. */
  outcome: RoundOutcome
  /** The quorum rule the replicas counted votes with. */
  quorumRule: QuorumRule
  /** The value the honest replicas decided, when at least one did and all agree. */
  decidedValue: string | null
  /** Distinct values decided by honest replicas, by the lowest id that decided each. */
  decidedValues: string[]
  sets: RoundSets
  /** Two honest replicas committed different values (outcome 'safety-violated'); the trace is then the counterexample. */
  safetyViolation: boolean
  messages: MessageCounts
  replicas: ReplicaSnapshot[]
  /** Every message in send order, unless `trace: false`. */
  trace?: TracedMessage[]
}
