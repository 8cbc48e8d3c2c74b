import type { FaultKind } from '../config'
import type { Certificate, SignedRequest } from './evidence'
import type { NewViewStatus, PhaseCounts, ReplicaOptions, ViewEvidence } from './replicaTypes'
import type { ViewChangeLog } from './viewChangeLog'
import type { ViewVotes } from './viewVotes'

/**
 * A replica's state as the modules of its behaviour see it: `Replica` holds it, and sending
 * (`replicaSending.ts`), taking in evidence (`replicaEvidence.ts`) and the snapshot
 * (`replicaSnapshot.ts`) read and update it. Not part of the engine's API.
 */
export interface ReplicaState {
  readonly id: number
  readonly fault: FaultKind
  readonly isHonest: boolean
  readonly options: Required<Omit<ReplicaOptions, 'views'>>
  /** Set in a round with views. */
  readonly views: ViewEvidence | undefined
  /** The normal case of the view it is in. */
  readonly votes: ViewVotes
  readonly log: ViewChangeLog
  /** The view it is in. */
  readonly view: number
  /** Its first commit, final. */
  readonly decided: string | null
  /** The client's signed request, once it holds it. */
  request: SignedRequest | null
  /** Its highest prepared certificate. */
  readonly certificate: Certificate | null
  /** It knows of the client's request: its timer runs until it decides. */
  knows: boolean
  /** It owes the client a REPLY. */
  replyDue: boolean
  newViewStatus: NewViewStatus | null
  readonly received: PhaseCounts
  readonly rejected: PhaseCounts
  readonly ignoredCounts: PhaseCounts
  isPrimaryOf(view: number): boolean
  /** Brings prepared (ever), the certificate and the decision up to date after a change. */
  settle(): void
  /** Enters `view` with `value` accepted, `prePrepare` the new primary's signature on it. */
  enterView(view: number, value: string, prePrepare: string | null): void
  /** The primary of view 0 takes the client's request as its proposal. */
  acceptProposal(value: string, prePrepare: string): void
}
