import { isByzantine, sendsMessages } from '../byzantine'
import type { FaultKind } from '../config'
import type { Phase } from '../outcome'
import { countsPrepareFrom, DEFAULT_QUORUM_RULE, viewChangesNeeded, weakQuorum } from '../quorum'
import { primaryOf, reProposal, type ReProposal } from './certificates'
import type { Certificate, SignedRequest } from './evidence'
import type { Message, MessageType } from './message'
import { receiveNewView, receiveRequest, receiveViewChange } from './replicaEvidence'
import { outgoingMessages, type Deviation } from './replicaSending'
import { snapshotOf } from './replicaSnapshot'
import type { ReplicaState } from './replicaState'
import {
  ACCEPTED,
  countKey,
  ignored,
  REJECTED,
  zeroCounts,
  type IgnoreReason,
  type NewViewStatus,
  type ReceiveOutcome,
  type ReplicaOptions,
  type ReplicaSnapshot,
  type ViewEvidence,
} from './replicaTypes'
import { ViewChangeLog } from './viewChangeLog'
import { ViewVotes } from './viewVotes'

export type { IgnoreReason, PhaseCounts, ReceiveOutcome, ReplicaOptions, ReplicaSnapshot } from './replicaTypes'
export type { Deviation } from './replicaSending'

/** The primary of the classic round, whatever its view (the README fixes it to replica 0). */
export const PRIMARY = 0

/**
 * One PBFT replica for one round (one sequence number). It takes messages one at a time, so a
 * live session can drive it message by message, and `runRound` phase by phase.
 *
 * An honest replica accepts the first authentic PRE-PREPARE of its view's primary, then counts
 * matching PREPAREs and COMMITs from distinct other replicas (`ViewVotes`); prepared and
 * committed follow from those counts and the quorum rule. Its first commit is its decision,
 * final. In a round with views it also keeps the client's request, its highest prepared
 * certificate and the VIEW-CHANGEs it receives, and enters a new view on a NEW-VIEW whose set
 * checks and whose value is the re-proposal that set determines. A Byzantine replica counts
 * nothing: what it sends is fixed by its fault kind (and a human's choices).
 */
export class Replica implements ReplicaState {
  readonly id: number
  readonly fault: FaultKind
  // The state below is read and updated by this folder's replica modules (`ReplicaState`);
  // outside the engine's round/ folder, use the getters and `snapshot()`.
  readonly options: Required<Omit<ReplicaOptions, 'views'>>
  readonly views: ViewEvidence | undefined
  votes: ViewVotes
  readonly log = new ViewChangeLog()
  decided: string | null = null
  request: SignedRequest | null = null
  certificate: Certificate | null = null
  replyDue = false
  knows = false
  newViewStatus: NewViewStatus | null = null
  readonly received = zeroCounts()
  readonly rejected = zeroCounts()
  readonly ignoredCounts = zeroCounts()
  private viewNumber: number
  private everAccepted = false
  private everPrepared = false

  constructor(options: ReplicaOptions) {
    const { views, ...rest } = options
    this.options = { authentication: true, quorumRule: DEFAULT_QUORUM_RULE, ...rest }
    this.views = views
    this.id = options.id
    this.fault = options.fault
    this.viewNumber = options.view
    // The classic round's honest primary has accepted the proposal by definition; with views
    // the client's REQUEST brings it.
    const accepted = this.isHonest && this.isPrimaryOf(options.view) && views === undefined ? options.proposal : null
    this.votes = new ViewVotes(options.view, this.isPrimaryOf(options.view), accepted, null, this.options)
    this.everAccepted = accepted !== null
    this.settle()
  }

  get isHonest(): boolean {
    return !isByzantine(this.fault)
  }

  /** The view this replica is in (Byzantine replicas never move: they follow the round). */
  get view(): number {
    return this.viewNumber
  }

  get isPrimary(): boolean {
    return this.isPrimaryOf(this.viewNumber)
  }

  /** Whether it is the primary of `view`: `view mod N` with views, replica 0 in the classic round. */
  isPrimaryOf(view: number): boolean {
    return this.id === (this.views === undefined ? PRIMARY : primaryOf(view, this.options.nodes))
  }

  /** The value it accepted in its view (an honest classic primary: its proposal). */
  get acceptedValue(): string | null {
    return this.votes.accepted
  }

  /** Prepared in its view. */
  get prepared(): boolean {
    return this.votes.prepared
  }

  /** It decided (committed, in whichever view). */
  get committed(): boolean {
    return this.decided !== null
  }

  get decidedValue(): string | null {
    return this.decided
  }

  /** It accepted a value in some view (in V_pp), was prepared in some view (in V_p). */
  get acceptedEver(): boolean {
    return this.everAccepted
  }

  get preparedEver(): boolean {
    return this.everPrepared
  }

  get knowsRequest(): boolean {
    return this.knows
  }

  get prepareQuorum(): number {
    return this.votes.prepareQuorum
  }

  get commitQuorum(): number {
    return this.votes.commitQuorum
  }

  /**
   * What its NEW-VIEW for `view` would re-propose (OSDI'99 §4.4): from the VIEW-CHANGEs it holds
   * for `view` and its own prepared certificate; null while they determine no value.
   */
  reProposalFor(view: number): ReProposal | null {
    const held = this.log.target === view ? [...this.log.received.values()] : []
    if (this.log.sentFor(view) && this.log.own !== null) held.push(this.log.own)
    const found = reProposal(held, this.request)
    const own = this.log.sentFor(view) ? null : this.certificate
    if (own !== null && (found?.certificateView ?? -1) < own.view) return { value: own.value, certificateView: own.view, certificateFrom: this.id }
    return found
  }

  /** Honest, not yet sent its VIEW-CHANGE for `view`, and holds f + 1 from others for it: it joins (OSDI'99 §4.5.2). */
  joins(view: number): boolean {
    return this.isHonest && this.viewNumber < view && !this.log.sentFor(view) && this.log.countFor(view) >= weakQuorum(this.options.f)
  }

  /**
   * Whether this replica sends in a phase of `view` (default: its own). Honest: the primary
   * pre-prepares, a backup that accepted prepares, a prepared replica commits (all in the
   * view it is in), a replica owing the client replies, one whose timer expired (it knows of
   * the request, undecided) or that joins sends its VIEW-CHANGE, the new primary holding a
   * quorum of them sends NEW-VIEW. Byzantine: every phase it can, unless silent, whatever it
   * received, since it colludes (PRE-PREPARE and NEW-VIEW only as the view's primary).
   */
  sends(phase: MessageType, view: number = this.viewNumber): boolean {
    if (phase === 'request') return false
    const primary = this.isPrimaryOf(view)
    if (!this.isHonest) return sendsMessages(this.fault) && (primary || (phase !== 'pre-prepare' && phase !== 'new-view'))
    const votes = this.votes
    switch (phase) {
      case 'pre-prepare':
        return primary && votes.accepted !== null
      case 'prepare':
        return this.viewNumber === view && !primary && votes.accepted !== null
      case 'commit':
        return this.viewNumber === view && votes.prepared
      case 'reply':
        return this.replyDue
      case 'view-change':
        return !this.log.sentFor(view) && this.viewNumber < view && ((this.knows && this.decided === null) || this.joins(view))
      case 'new-view':
        return primary && this.viewNumber < view && this.canSendNewView(view)
    }
  }

  private canSendNewView(view: number): boolean {
    const { nodes, f, quorumRule } = this.options
    if (this.log.countFor(view) < viewChangesNeeded(nodes, f, quorumRule)) return false
    if (this.request !== null || this.certificate !== null) return true
    return [...this.log.received.values()].some((entry) => entry.body.certificate !== null)
  }

  /**
   * Whether others send it a phase's messages: every backup gets a pre-prepare (and a NEW-VIEW),
   * everyone a VIEW-CHANGE; PREPAREs reach honest replicas of the view that accepted, COMMITs
   * prepared ones, and both every non-silent Byzantine replica. REQUESTs and REPLYs are the
   * client's business.
   */
  receives(phase: MessageType, view: number = this.viewNumber): boolean {
    if (phase === 'pre-prepare' || phase === 'new-view') return !this.isPrimaryOf(view)
    if (phase === 'view-change') return true
    if (phase === 'request' || phase === 'reply') return false
    if (!this.isHonest) return sendsMessages(this.fault)
    return this.viewNumber === view && (phase === 'prepare' ? this.votes.accepted !== null : this.votes.prepared)
  }

  /**
   * This replica's signed messages of a phase to the given recipients, in their order (empty
   * when it does not send in that phase). Calling it means the replica sends them now: from
   * then on its own vote of that phase is in its log (even with no recipients). A Byzantine
   * replica's values may be chosen by `deviation` (a human's choice).
   */
  outgoing(phase: MessageType, recipients: readonly number[], view: number = this.viewNumber, deviation?: Deviation): Message[] {
    if (!this.sends(phase, view)) return []
    return outgoingMessages(this, phase, recipients, view, deviation)
  }

  /** Takes one delivered message and says whether it was counted, rejected, or why ignored. */
  receive(message: Message): ReceiveOutcome {
    const key = message.to === this.id ? countKey(message.phase) : null
    if (key === null) return ignored('not-addressed')
    this.received[key]++
    const outcome = this.judge(message)
    if (outcome.status === 'rejected') this.rejected[key]++
    else if (outcome.status === 'ignored') this.ignoredCounts[key]++
    return outcome
  }

  private judge(message: Message): ReceiveOutcome {
    const { nodes, sequence, authentication, authenticator } = this.options
    const { from, phase } = message
    if (from === this.id) return ignored('own-message')
    // Replicas are 0..N-1; the client, who sends only REQUESTs, is N.
    const known = phase === 'request' ? from === nodes : Number.isInteger(from) && from >= 0 && from < nodes
    if (!known) return ignored('unknown-sender')
    // Authenticate before trusting any other field of the message.
    if (authentication && !authenticator.verify(message)) return REJECTED
    if (phase === 'request' || phase === 'view-change' || phase === 'new-view') {
      if (this.views === undefined) return ignored('wrong-view')
      if (message.sequence !== sequence) return ignored('wrong-sequence')
      if (phase === 'request') return receiveRequest(this, message, this.views)
      return phase === 'view-change' ? receiveViewChange(this, message, this.views) : receiveNewView(this, message, this.views)
    }
    if (message.view !== this.viewNumber) return ignored('wrong-view')
    if (message.sequence !== sequence) return ignored('wrong-sequence')
    if (!this.isHonest) return ignored('byzantine')
    const votes = this.votes
    switch (phase as Phase) {
      case 'pre-prepare':
        return this.onPrePrepare(message)
      case 'prepare':
        if (votes.accepted !== null && !countsPrepareFrom(this.options.quorumRule, from, this.currentPrimary)) return ignored('from-primary')
        return this.count(message, votes.accepted !== null, 'not-in-round', votes.prepareSenders)
      case 'commit':
        return this.count(message, votes.prepared, 'not-prepared', votes.commitSenders)
    }
  }

  private get currentPrimary(): number {
    return this.views === undefined ? PRIMARY : primaryOf(this.viewNumber, this.options.nodes)
  }

  private onPrePrepare(message: Message): ReceiveOutcome {
    if (message.from !== this.currentPrimary) return ignored('not-from-primary')
    if (this.votes.accepted !== null) return ignored('second-pre-prepare')
    this.votes.accepted = message.value
    this.votes.prePrepareSignature = message.signature ?? null
    this.knows = true
    this.everAccepted = true
    this.settle()
    return ACCEPTED
  }

  /** Counts a PREPARE or COMMIT: once this replica is in that phase, matching, once per sender. */
  private count(message: Message, ready: boolean, notReady: IgnoreReason, senders: Set<number>): ReceiveOutcome {
    if (!ready) return ignored(notReady)
    if (message.value !== this.votes.accepted) return ignored('value-mismatch')
    if (senders.has(message.from)) return ignored('duplicate-sender')
    senders.add(message.from)
    if (message.phase === 'prepare' && message.signature !== undefined) this.votes.prepareVotes.set(message.from, message.signature)
    this.settle()
    return ACCEPTED
  }

  /** The primary of view 0 takes the client's request as its proposal (rounds with views). */
  acceptProposal(value: string, prePrepare: string): void {
    this.votes.accepted = value
    this.votes.prePrepareSignature = prePrepare
    this.everAccepted = true
    this.settle()
  }

  /** Enters `view` with `value` accepted (from a NEW-VIEW, or as the new primary sending it). */
  enterView(view: number, value: string, prePrepare: string | null): void {
    this.viewNumber = view
    this.votes = new ViewVotes(view, this.isPrimaryOf(view), value, prePrepare, this.options)
    this.knows = true
    this.everAccepted = true
    this.settle()
  }

  /** Brings the derived state up to date: prepared (ever, and its certificate) and the decision. */
  settle(): void {
    const votes = this.votes
    if (!this.isHonest || !votes.prepared) return
    this.everPrepared = true
    if (this.views !== undefined && (this.certificate === null || this.certificate.view < votes.view)) {
      this.certificate = votes.certificate() ?? this.certificate
    }
    if (votes.committed && !votes.committedNoted) {
      votes.committedNoted = true
      this.decided ??= votes.accepted
      if (this.views !== undefined) this.replyDue = true
    }
  }

  snapshot(): ReplicaSnapshot {
    return snapshotOf(this)
  }
}
