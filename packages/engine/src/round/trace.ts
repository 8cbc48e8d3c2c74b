import type { MessageType } from './message'
import type { CertificateSummary, IgnoreReason } from './replicaTypes'

/**
 * The record of a round's messages, one entry per message in send order: what the projector
 * draws, what a phone lists and what a replay steps through.
 */

/** What became of a message: dropped by its link, rejected by authentication, or delivered. */
export type MessageStatus = 'delivered' | 'dropped' | 'rejected'

/** One VIEW-CHANGE of a NEW-VIEW's set V, as the trace shows it. */
export interface ViewChangeEntrySummary {
  from: number
  /** The certificate it carries (view and value), or null. */
  certificate: { view: number; value: string } | null
}

/** One message of a round, in send order. */
export interface TracedMessage {
  index: number
  /** The message's type: `pre-prepare`, `prepare`, `commit`, and with views `request`, `reply`, `view-change`, `new-view`. */
  phase: MessageType
  /** Who sent it: a replica id, or the client (id N) for a REQUEST. */
  from: number
  /** Who it went to: a replica id, or the client (id N) for a REPLY. */
  to: number
  /** The view it belongs to (a VIEW-CHANGE or NEW-VIEW: the view being changed to). */
  view: number
  /** The value as the sender sent (and authenticated) it; a VIEW-CHANGE without certificate carries ''. */
  value: string
  /** The value the recipient got, after any tampering; null when dropped. */
  deliveredValue: string | null
  /** The digest and MAC as sent. */
  digest: string
  mac: string
  status: MessageStatus
  /** Whether the recipient used it: an accepted pre-prepare, REQUEST, VIEW-CHANGE or NEW-VIEW, a PREPARE/COMMIT/REPLY it counted. */
  counted: boolean
  /** Why a delivered, authentic message was not counted; null otherwise. */
  ignoredReason: IgnoreReason | null
  /** Rounds with views: the sender's signature (transferable, unlike the MAC). */
  signature?: string
  /** VIEW-CHANGE: the prepared certificate it carries (or null) and whether it carries the client's request. */
  viewChange?: { certificate: CertificateSummary | null; request: boolean }
  /** NEW-VIEW: its set V, whether it carries the client's request. */
  newView?: { viewChanges: ViewChangeEntrySummary[]; request: boolean }
  /** VIEW-CHANGE and NEW-VIEW: the message in words, e.g. `prepared v in view 0 (PREPAREs of 1, 2)`. */
  summary?: string
  /** Why a VIEW-CHANGE or NEW-VIEW was refused, in words (with `ignoredReason`). */
  detail?: string
}
