import type { RoundConfig } from '../config'
import { LiveRound } from '../live/liveRound'
import type { MessageCounts, Phase, RoundFailure, RoundOutcome } from '../outcome'
import type { QuorumRule } from '../quorum'
import type { IgnoreReason, ReplicaSnapshot } from './replica'

export { Authenticator, deriveRoundSecret } from './authenticator'
export { canonicalEncoding, digestOf, type AuthenticatedFields, type Message, type MessageDraft } from './message'
export { Network } from './network'
export {
  PRIMARY,
  Replica,
  type IgnoreReason,
  type PhaseCounts,
  type ReceiveOutcome,
  type ReplicaOptions,
  type ReplicaSnapshot,
} from './replica'

export interface RunRoundOptions {
  /** Seeds the link draws and, unless `secret` is given, the MAC keys. */
  seed: number
  /** The round secret the link keys are derived from (default: derived from the seed). */
  secret?: string
  /** Record every message (default true). Monte-Carlo callers switch it off. */
  trace?: boolean
}

/** What became of a message: dropped by its link, rejected by authentication, or delivered. */
export type MessageStatus = 'delivered' | 'dropped' | 'rejected'

/** One message of a round, in send order. */
export interface TracedMessage {
  index: number
  phase: Phase
  from: number
  to: number
  /** The value as the sender sent (and authenticated) it. */
  value: string
  /** The value the recipient got, after any tampering; null when dropped. */
  deliveredValue: string | null
  /** The digest and MAC as sent. */
  digest: string
  mac: string
  status: MessageStatus
  /** Whether the recipient used it: an accepted pre-prepare, or a PREPARE/COMMIT it counted. */
  counted: boolean
  /** Why a delivered, authentic message was not counted; null otherwise. */
  ignoredReason: IgnoreReason | null
}

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

/**
 * Plays one whole round synchronously, every replica a bot: honest ones follow the protocol,
 * Byzantine ones their fault kind. It is the live driver with nobody human: in each phase
 * every sender acts in ascending id, then the phase closes, which is the README's send order
 * to the letter (one PRNG draw per message, recipients ascending). Keeping a single driver
 * means a live session and a replayed seed can never disagree.
 */
export function runRound(config: RoundConfig, options: RunRoundOptions): RoundResult {
  const round = new LiveRound({ config, seed: options.seed, secret: options.secret, trace: options.trace !== false })
  while (round.phase !== 'done') {
    for (const id of round.pending()) round.act(id)
    round.closePhase()
  }
  return round.result()
}
