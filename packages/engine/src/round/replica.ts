import { isByzantine, outgoingValue, PROPOSAL, sendsMessages, valueLabel } from '../byzantine'
import type { FaultKind } from '../config'
import type { Phase } from '../outcome'
import { commitsNeeded, countsPrepareFrom, DEFAULT_QUORUM_RULE, preparesNeeded, type QuorumRule } from '../quorum'
import type { Authenticator } from './authenticator'
import type { Message } from './message'

/** The primary of every round (the README fixes it to replica 0, whatever the view). */
export const PRIMARY = 0

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

/** What `Replica.receive` did with a message. */
export type ReceiveOutcome =
  | { readonly status: 'accepted' }
  | { readonly status: 'rejected' }
  | { readonly status: 'ignored'; readonly reason: IgnoreReason }

/** A count per phase, keyed so that it reads well in JSON. */
export interface PhaseCounts {
  prePrepare: number
  prepare: number
  commit: number
}

/** A replica's state and counters as plain, JSON-serialisable data. */
export interface ReplicaSnapshot {
  id: number
  fault: FaultKind
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
  prepared: boolean
  committed: boolean
  decidedValue: string | null
  /** Messages addressed to this replica, per phase, whatever became of them. */
  received: PhaseCounts
  /** Messages refused because authentication failed. */
  rejected: PhaseCounts
  ignored: PhaseCounts
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
}

const ACCEPTED: ReceiveOutcome = Object.freeze({ status: 'accepted' })
const REJECTED: ReceiveOutcome = Object.freeze({ status: 'rejected' })
const IGNORED = new Map<IgnoreReason, ReceiveOutcome>()

function ignored(reason: IgnoreReason): ReceiveOutcome {
  let outcome = IGNORED.get(reason)
  if (outcome === undefined) {
    outcome = Object.freeze({ status: 'ignored', reason })
    IGNORED.set(reason, outcome)
  }
  return outcome
}

const COUNT_KEY: Record<Phase, keyof PhaseCounts> = {
  'pre-prepare': 'prePrepare',
  prepare: 'prepare',
  commit: 'commit',
}

function zeroCounts(): PhaseCounts {
  return { prePrepare: 0, prepare: 0, commit: 0 }
}

/**
 * One PBFT replica for one round (view, sequence). It takes messages one at a time, so a live
 * session can drive it message by message, and the synchronous `runRound` phase by phase.
 *
 * An honest replica accepts the first authentic PRE-PREPARE from the primary, then counts
 * matching PREPAREs and COMMITs from distinct other replicas; prepared and committed follow
 * from those counts and the quorum rule (`quorum.ts`), which under castro-liskov also counts
 * the replica's own vote once it has sent it. A Byzantine replica counts nothing: what it
 * sends is fixed by its fault kind (see `outgoing`).
 */
export class Replica {
  readonly id: number
  readonly fault: FaultKind
  private readonly options: Required<ReplicaOptions>
  private accepted: string | null
  private readonly prepareSenders = new Set<number>()
  private readonly commitSenders = new Set<number>()
  private readonly received = zeroCounts()
  private readonly rejected = zeroCounts()
  private readonly ignoredCounts = zeroCounts()
  /** Whether this replica sent its vote of the prepare certificate (PREPARE, or the primary's PRE-PREPARE), and its COMMIT. */
  private votedPrepare = false
  private votedCommit = false
  /** What the quorum rule asks of this replica now, kept up to date as it votes (read on every message). */
  private prepareNeed: number
  private commitNeed: number

  constructor(options: ReplicaOptions) {
    this.options = { authentication: true, quorumRule: DEFAULT_QUORUM_RULE, ...options }
    this.id = options.id
    this.fault = options.fault
    this.accepted = this.isHonest && this.isPrimary ? options.proposal : null
    this.prepareNeed = this.neededPrepares()
    this.commitNeed = this.neededCommits()
  }

  get isPrimary(): boolean {
    return this.id === PRIMARY
  }

  get isHonest(): boolean {
    return !isByzantine(this.fault)
  }

  /** The value of the pre-prepare this replica accepted (an honest primary: its proposal). */
  get acceptedValue(): string | null {
    return this.accepted
  }

  get prepared(): boolean {
    return this.accepted !== null && this.prepareSenders.size >= this.prepareNeed
  }

  get committed(): boolean {
    return this.prepared && this.commitSenders.size >= this.commitNeed
  }

  /** Matching PREPAREs from distinct others this replica needs now (its own vote as it stands). */
  get prepareQuorum(): number {
    return this.prepareNeed
  }

  get commitQuorum(): number {
    return this.commitNeed
  }

  private neededPrepares(): number {
    const { nodes, f, quorumRule } = this.options
    return preparesNeeded(nodes, f, quorumRule, { primary: this.isPrimary, voted: this.votedPrepare })
  }

  private neededCommits(): number {
    const { nodes, f, quorumRule } = this.options
    return commitsNeeded(nodes, f, quorumRule, this.votedCommit)
  }

  private get ownVotesCount(): boolean {
    return this.options.quorumRule !== 'original' && this.isHonest
  }

  get decidedValue(): string | null {
    return this.committed ? this.accepted : null
  }

  /**
   * Whether this replica sends in a phase. Honest: the primary pre-prepares, a backup that
   * accepted a value prepares (an honest primary never does), a prepared replica commits.
   * Byzantine: every phase it can, unless silent, whatever it received, since it colludes.
   */
  sends(phase: Phase): boolean {
    if (phase === 'pre-prepare') return this.isPrimary && sendsMessages(this.fault)
    if (!this.isHonest) return sendsMessages(this.fault)
    return phase === 'prepare' ? !this.isPrimary && this.accepted !== null : this.prepared
  }

  /**
   * Whether this replica is in the round for a phase, i.e. others send it that phase's
   * messages: every backup gets a pre-prepare; later phases reach honest replicas that accepted
   * (prepare) or prepared (commit), and every non-silent Byzantine replica.
   */
  receives(phase: Phase): boolean {
    if (phase === 'pre-prepare') return !this.isPrimary
    if (!this.isHonest) return sendsMessages(this.fault)
    return phase === 'prepare' ? this.accepted !== null : this.prepared
  }

  /**
   * This replica's signed messages of a phase to the given recipients, in their order (empty
   * when it does not send in that phase). Honest replicas send their accepted value; Byzantine
   * ones the value their kind sends to each recipient. Calling it means the replica sends them
   * now: from then on its own vote of that phase is in its log (even with no recipients).
   */
  outgoing(phase: Phase, recipients: readonly number[]): Message[] {
    if (!this.sends(phase)) return []
    if (phase === 'commit') {
      this.votedCommit = true
      this.commitNeed = this.neededCommits()
    } else {
      this.votedPrepare = true
      this.prepareNeed = this.neededPrepares()
    }
    const { view, sequence, authenticator } = this.options
    // `sends` implies that an honest sender has accepted a value.
    const honestValue = this.isHonest ? this.accepted : null
    return recipients.map((to) => {
      const value = honestValue ?? this.byzantineValue(to)
      return authenticator.sign({ phase, view, sequence, value, from: this.id, to })
    })
  }

  private byzantineValue(to: number): string {
    return valueLabel(outgoingValue(this.fault, PROPOSAL, to), this.options.proposal)
  }

  /** Takes one delivered message and says whether it was counted, rejected, or why ignored. */
  receive(message: Message): ReceiveOutcome {
    if (message.to !== this.id) return ignored('not-addressed')
    const phase = COUNT_KEY[message.phase]
    this.received[phase]++
    const outcome = this.judge(message)
    if (outcome.status === 'rejected') this.rejected[phase]++
    else if (outcome.status === 'ignored') this.ignoredCounts[phase]++
    return outcome
  }

  private judge(message: Message): ReceiveOutcome {
    const { nodes, view, sequence, authentication, authenticator } = this.options
    const { from } = message
    if (from === this.id) return ignored('own-message')
    if (!Number.isInteger(from) || from < 0 || from >= nodes) return ignored('unknown-sender')
    // Authenticate before trusting any other field of the message.
    if (authentication && !authenticator.verify(message)) return REJECTED
    if (message.view !== view) return ignored('wrong-view')
    if (message.sequence !== sequence) return ignored('wrong-sequence')
    if (!this.isHonest) return ignored('byzantine')
    switch (message.phase) {
      case 'pre-prepare':
        return this.onPrePrepare(message)
      case 'prepare':
        if (this.accepted !== null && !countsPrepareFrom(this.options.quorumRule, message.from, PRIMARY)) {
          return ignored('from-primary')
        }
        return this.count(message, this.accepted !== null, 'not-in-round', this.prepareSenders)
      case 'commit':
        return this.count(message, this.prepared, 'not-prepared', this.commitSenders)
    }
  }

  private onPrePrepare(message: Message): ReceiveOutcome {
    if (message.from !== PRIMARY) return ignored('not-from-primary')
    if (this.accepted !== null) return ignored('second-pre-prepare')
    this.accepted = message.value
    return ACCEPTED
  }

  /** Counts a PREPARE or COMMIT: once this replica is in that phase, matching, once per sender. */
  private count(message: Message, ready: boolean, notReady: IgnoreReason, senders: Set<number>): ReceiveOutcome {
    if (!ready) return ignored(notReady)
    if (message.value !== this.accepted) return ignored('value-mismatch')
    if (senders.has(message.from)) return ignored('duplicate-sender')
    senders.add(message.from)
    return ACCEPTED
  }

  snapshot(): ReplicaSnapshot {
    return {
      id: this.id,
      fault: this.fault,
      primary: this.isPrimary,
      acceptedValue: this.accepted,
      prepareSenders: [...this.prepareSenders].sort((a, b) => a - b),
      commitSenders: [...this.commitSenders].sort((a, b) => a - b),
      prepareCount: this.prepareSenders.size,
      commitCount: this.commitSenders.size,
      quorum: this.prepareQuorum,
      quorumRule: this.options.quorumRule,
      prepareQuorum: this.prepareQuorum,
      commitQuorum: this.commitQuorum,
      ownPrepareCounted: this.ownVotesCount && this.votedPrepare,
      ownCommitCounted: this.ownVotesCount && this.votedCommit,
      prepared: this.prepared,
      committed: this.committed,
      decidedValue: this.decidedValue,
      received: { ...this.received },
      rejected: { ...this.rejected },
      ignored: { ...this.ignoredCounts },
    }
  }
}
