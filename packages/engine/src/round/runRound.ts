import type { RoundConfig } from '../config'
import { LiveRound } from '../live/liveRound'
import type { RoundResult } from './result'

export { Authenticator, deriveRoundSecret } from './authenticator'
export { canonicalEncoding, digestOf, type AuthenticatedFields, type Message, type MessageDraft } from './message'
export { Network } from './network'
export type { RoundResult, RoundSets } from './result'
export type { MessageStatus, TracedMessage } from './trace'
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
