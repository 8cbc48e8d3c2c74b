import type { RoundConfig } from '../config'
import { LiveRound } from '../live/liveRound'
import type { RoundResult } from './result'

export { Authenticator, deriveRoundSecret } from './authenticator'
export { canonicalEncoding, digestOf, type AuthenticatedFields, type Message, type MessageDraft } from './message'
export { Network } from './network'
export type { RoundResult, RoundSets } from './result'
export type { MessageStatus, TracedMessage } from './trace'
export { EvidenceChecker, primaryOf, reProposal, type ReProposal } from './certificates'
export type { Certificate, NewViewBody, PrepareVote, SignedRequest, SignedViewChange, ViewChangeBody } from './evidence'
export { MESSAGE_TYPES, type MessageType } from './message'
export { Signatures } from './signatures'
export type { CertificateSummary, NewViewStatus, ViewChangeProgress } from './replicaTypes'
export type { ViewChangeEntrySummary } from './trace'
export type { ClientSnapshot } from './result'
export {
  PRIMARY,
  Replica,
  type Deviation,
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
  /**
   * Views the round may use (K >= 1): PBFT with its client and view changes. Left out: the
   * classic one-view round without a client (see `LiveRoundOptions.maxViews`).
   */
  maxViews?: number
}

/**
 * Plays one whole round synchronously, every replica (and the client) a bot: honest ones
 * follow the protocol, Byzantine ones their fault kind. It is the live driver with nobody
 * human: in each phase every sender acts in ascending id, again for those who joined a view
 * change meanwhile, until nobody is pending; then the phase closes. That is the README's send
 * order to the letter (one PRNG draw per message, recipients ascending). Keeping a single
 * driver means a live session and a replayed seed can never disagree.
 */
export function runRound(config: RoundConfig, options: RunRoundOptions): RoundResult {
  const { seed, secret, maxViews } = options
  const round = new LiveRound({ config, seed, secret, trace: options.trace !== false, maxViews })
  while (round.phase !== 'done') {
    for (let pending = round.pending(); pending.length > 0; pending = round.pending()) {
      for (const id of pending) round.act(id)
    }
    round.closePhase()
  }
  return round.result()
}
