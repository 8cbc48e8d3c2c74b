import type { ValueId } from '../byzantine'
import type { Phase, RoundOutcome } from '../outcome'

/**
 * The outcome of one round played by the kernel. `playRound` returns the SAME object every
 * time, overwritten in place (and `decided` is the same array): copy what you keep.
 */
export interface KernelRoundResult {
  /** |V_pp|, |V_p|, |V_c|: honest replicas that accepted, prepared, committed (with views: in any view). */
  npp: number
  np: number
  nc: number
  /** True exactly when `outcome` is 'success' (N - f honest replicas committed, all one value). */
  success: boolean
  /** The first short phase of a no-decision round; 'commit' for a safety violation; null on success. */
  failurePhase: Phase | null
  outcome: RoundOutcome
  /** Two honest replicas committed different values. */
  safetyViolation: boolean
  /** The distinct values honest replicas committed (their first commits), in ascending replica order of first decision. */
  decided: ValueId[]
  /** Messages between replicas. */
  sent: number
  delivered: number
  dropped: number
  rejected: number
  /** Rounds with views: the view the round ended in (0 without views). */
  view: number
  /** Views beyond 0 that honest replicas entered. */
  viewChanges: number
  /** The client accepted a result (f + 1 matching REPLYs); false without views. */
  clientAccepted: boolean
  /** The value it accepted, or null. */
  clientValue: ValueId | null
  /** The client's REQUESTs and the REPLYs to it. */
  clientSent: number
  clientDelivered: number
  clientDropped: number
  clientRejected: number
}
