import type { Phase } from '../outcome'
import type { IgnoreReason } from './replica'

/**
 * The record of a round's messages, one entry per message in send order: what the projector
 * draws, what a phone lists and what a replay steps through.
 */

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
