import type { FaultKind } from '../config'
import type { QuorumRule } from '../quorum'
import type { Authenticator } from './authenticator'
import type { EvidenceChecker } from './certificates'
import type { MessageType } from './message'
import type { Signatures } from './signatures'

/** Why a replica set a message aside without counting it. */
export type IgnoreReason =
  | 'not-addressed'
  | 'own-message'
  | 'unknown-sender'
  | 'wrong-view'
  | 'wrong-sequence'
  | 'not-from-primary'
  | 'second-pre-prepare'
  | 'not-in-round'
  | 'not-prepared'
  | 'value-mismatch'
  | 'duplicate-sender'
  /** Castro–Liskov: the primary's vote is its PRE-PREPARE, so its PREPARE adds nothing. */
  | 'from-primary'
  /** Byzantine replicas follow their script, not the protocol, so they count nothing. */
  | 'byzantine'
  /** A REQUEST whose client signature does not check. */
  | 'invalid-request'
  /** A VIEW-CHANGE for a view the replica already is in (or beyond), or older than the one it collects. */
  | 'stale-view-change'
  /** A VIEW-CHANGE whose signature, certificate or request does not check. */
  | 'invalid-view-change'
  /** A NEW-VIEW whose set V does not check (signatures, quorum, certificates, request). */
  | 'invalid-new-view'
  /** A NEW-VIEW whose value is not the re-proposal its own set V determines: refused. */
  | 'wrong-re-proposal'
  /** The recipient crashed (`LiveRound.crash`): it takes nothing in any more. */
  | 'crashed'

/** What `Replica.receive` did with a message. */
export type ReceiveOutcome =
  | { readonly status: 'accepted' }
  | { readonly status: 'rejected' }
  /** `detail` says in words why evidence (a VIEW-CHANGE, a NEW-VIEW) was refused. */
  | { readonly status: 'ignored'; readonly reason: IgnoreReason; readonly detail?: string }

export const ACCEPTED: ReceiveOutcome = Object.freeze({ status: 'accepted' })
export const REJECTED: ReceiveOutcome = Object.freeze({ status: 'rejected' })
const IGNORED = new Map<IgnoreReason, ReceiveOutcome>()

export function ignored(reason: IgnoreReason, detail?: string): ReceiveOutcome {
  // Refused evidence is rare: it gets an outcome of its own, the common reasons share one.
  if (detail !== undefined) return { status: 'ignored', reason, detail }
  let outcome = IGNORED.get(reason)
  if (outcome === undefined) {
    outcome = Object.freeze({ status: 'ignored', reason })
    IGNORED.set(reason, outcome)
  }
  return outcome
}

/** A count per message type a replica receives, keyed so that it reads well in JSON. */
export interface PhaseCounts {
  prePrepare: number
  prepare: number
  commit: number
  /** Rounds with views: the client's REQUESTs, VIEW-CHANGEs and NEW-VIEWs (0 in the classic round). */
  request: number
  viewChange: number
  newView: number
}

const COUNT_KEY: Record<MessageType, keyof PhaseCounts | null> = {
  request: 'request',
  'pre-prepare': 'prePrepare',
  prepare: 'prepare',
  commit: 'commit',
  reply: null,
  'view-change': 'viewChange',
  'new-view': 'newView',
}

/** The counter of a message type (null for REPLYs, which go to the client only). */
export function countKey(type: MessageType): keyof PhaseCounts | null {
  return COUNT_KEY[type] ?? null
}

export function zeroCounts(): PhaseCounts {
  return { prePrepare: 0, prepare: 0, commit: 0, request: 0, viewChange: 0, newView: 0 }
}

/** A prepared certificate as a phone shows it: the view, the value and who prepared it. */
export interface CertificateSummary {
  view: number
  value: string
  /** Signers of the certificate's PREPAREs, ascending. */
  prepares: number[]
}

/** The VIEW-CHANGEs a replica collected for the view the round is changing to. */
export interface ViewChangeProgress {
  view: number
  /** Distinct replicas whose valid VIEW-CHANGE it holds, ascending. */
  senders: number[]
  /** Whether it sent its own VIEW-CHANGE for that view. */
  sent: boolean
  /** VIEW-CHANGEs from others that make it join (f + 1). */
  joinNeeded: number
  /** VIEW-CHANGEs from others the new primary needs for its NEW-VIEW (the rule's quorum). */
  newViewNeeded: number
}

/** The last NEW-VIEW a replica received, and what it made of it. */
export interface NewViewStatus {
  view: number
  from: number
  value: string
  accepted: boolean
  /** Why it was refused (`invalid-new-view`, `wrong-re-proposal`, ...) and in words; null when accepted. */
  reason: IgnoreReason | null
  detail: string | null
}

/** A replica's state and counters as plain, JSON-serialisable data. */
export interface ReplicaSnapshot {
  id: number
  fault: FaultKind
  /** Whether it is the primary of the view it is in. */
  primary: boolean
  acceptedValue: string | null
  /** Distinct other replicas whose authentic PREPARE matched the accepted value, ascending. */
  prepareSenders: number[]
  commitSenders: number[]
  prepareCount: number
  commitCount: number
  /** Matching messages from others needed to prepare (2f under the original rule); see prepareQuorum. */
  quorum: number
  quorumRule: QuorumRule
  /** Matching PREPAREs from distinct others needed to prepare, given the own vote as it stands now. */
  prepareQuorum: number
  /** Matching COMMITs from distinct others needed to commit, given the own vote as it stands now. */
  commitQuorum: number
  /**
   * Castro–Liskov: the replica's own vote is in its prepare certificate (a backup sent its
   * PREPARE, the primary its PRE-PREPARE). Always false under the original rule.
   */
  ownPrepareCounted: boolean
  /** Castro–Liskov: the replica's own COMMIT is in its commit certificate. Always false under the original rule. */
  ownCommitCounted: boolean
  /** Prepared in the view it is in. */
  prepared: boolean
  /** It decided (committed, in whichever view). */
  committed: boolean
  /** Its decision: the first value it committed, final. */
  decidedValue: string | null
  /** Messages addressed to this replica, per type, whatever became of them. */
  received: PhaseCounts
  /** Messages refused because authentication failed. */
  rejected: PhaseCounts
  ignored: PhaseCounts
  /** The view it is in (its primary is `view mod N` in rounds with views; the classic round stays in its view, primary 0). */
  view: number
  /** Rounds with views: it knows of the client's request (from the client, a PRE-PREPARE or a NEW-VIEW). */
  knowsRequest: boolean
  /** Its view-change timer runs: it knows of the request and has not decided (rounds with views). */
  timerRunning: boolean
  /** Its highest prepared certificate, the one its VIEW-CHANGE carries. */
  preparedCertificate: CertificateSummary | null
  /** The VIEW-CHANGEs it holds for the view being changed to; null before any view change. */
  viewChange: ViewChangeProgress | null
  /** The last NEW-VIEW it received: accepted, or refused and why. */
  newView: NewViewStatus | null
  /** It owes the client a REPLY: it committed, or the client asked again after it did. */
  replyDue: boolean
}

/** What a replica needs in a round with views: signing, checking evidence, the client's id. */
export interface ViewEvidence {
  signatures: Signatures
  checker: EvidenceChecker
}

export interface ReplicaOptions {
  id: number
  nodes: number
  f: number
  view: number
  sequence: number
  fault: FaultKind
  /** The value the primary proposes: an honest primary has accepted it by definition, and
   * colluding Byzantine replicas always know it. */
  proposal: string
  authenticator: Authenticator
  /** Verify incoming messages (default true); off, tampered messages are taken at face value. */
  authentication?: boolean
  /** How votes are counted (default 'original'). */
  quorumRule?: QuorumRule
  /**
   * A round with views (issue 13): the primary of view v is `v mod N`, the honest primary of
   * view 0 accepts the client's REQUEST as its proposal, messages are signed, and the replica
   * takes part in view changes. Left out: the classic round (primary 0, no client).
   */
  views?: ViewEvidence
}
