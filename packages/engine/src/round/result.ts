import type { MessageCounts, RoundFailure, RoundOutcome } from '../outcome'
import type { QuorumRule } from '../quorum'
import type { ReplicaSnapshot } from './replicaTypes'
import type { TracedMessage } from './trace'

/** Sizes of the README's sets, over honest replicas only (in rounds with views: in any view). */
export interface RoundSets {
  /** |V_pp|: honest replicas that accepted a value (an honest primary included). */
  prePrepared: number
  /** |V_p|: honest prepared replicas. */
  prepared: number
  /** |V_c|: honest committed replicas. */
  committed: number
}

/** The client of a round with views, as plain data (see `Client`). */
export interface ClientSnapshot {
  /** The client's id in traces: N, right after the replicas 0..N-1. */
  id: number
  /** The operation it requests: the round's proposal. */
  request: string
  /** REQUESTs it sent: 1 in view 0 once it acted, then one re-broadcast per view change. */
  requestsSent: number
  /** It accepted a result: f + 1 matching REPLYs from distinct replicas. */
  accepted: boolean
  acceptedValue: string | null
  /** Matching REPLYs it needs: f + 1. */
  needed: number
  /** Distinct repliers per value, in the order values first arrived. */
  replies: { value: string; from: number[] }[]
  /** REPLYs that reached it, and those refused because authentication failed. */
  received: number
  rejected: number
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
  /** Messages between replicas (the client's REQUESTs and the REPLYs are in `clientMessages`). */
  messages: MessageCounts
  replicas: ReplicaSnapshot[]
  /** Every message in send order, unless `trace: false`. */
  trace?: TracedMessage[]
  /** Views the round could use (1 in the classic round). */
  maxViews: number
  /** The view the round ended in: where the client accepted, or the last one tried. */
  view: number
  /** The primary of that view (`view mod N`; 0 in the classic round). */
  primary: number
  /** Views beyond 0 that honest replicas entered (sent a VIEW-CHANGE for, or accepted a NEW-VIEW of). */
  viewChanges: number
  /** The primaries of the views before `view`: the replicas the round replaced, in order. */
  replacedPrimaries: number[]
  /** The client accepted a result (f + 1 matching REPLYs); false in the classic round, which has no client. */
  clientAccepted: boolean
  /** The result the client accepted, or null. */
  clientValue: string | null
  /** The client's REQUESTs and the REPLYs to it (zero in the classic round). */
  clientMessages: MessageCounts
  /** The client's state at the end; null in the classic round. */
  client: ClientSnapshot | null
}
