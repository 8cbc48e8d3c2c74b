import { commitsNeeded, preparesNeeded, type QuorumRule } from '../quorum'
import type { Certificate, PrepareVote } from './evidence'

/** Who the votes belong to, for the quorum rule's needs. */
export interface VoteRules {
  nodes: number
  f: number
  quorumRule: QuorumRule
}

/**
 * One honest replica's normal case in one view: the value it accepted (from the view's
 * PRE-PREPARE, or in views above 0 the NEW-VIEW), the distinct senders of the matching
 * PREPAREs and COMMITs it counted, its own votes, and, in rounds with views, the signatures a
 * prepared certificate quotes. Prepared and committed follow from these and the quorum rule
 * (`quorum.ts`). A replica entering a new view starts a fresh one.
 */
export class ViewVotes {
  readonly prepareSenders = new Set<number>()
  readonly commitSenders = new Set<number>()
  /** Signatures of the PREPAREs counted (and of its own once sent), by sender: the certificate's votes. */
  readonly prepareVotes = new Map<number, string>()
  /** Whether it sent its vote of the prepare certificate (its PREPARE, or as primary its PRE-PREPARE / NEW-VIEW), and its COMMIT. */
  private votedPrepare = false
  private votedCommit = false
  /** What the rule asks of it now, kept up to date as it votes (read on every message). */
  private prepareNeed: number
  private commitNeed: number
  /** Set once it committed in this view: a replica replies once per commit. */
  committedNoted = false

  constructor(
    readonly view: number,
    /** Whether this replica is the primary of `view`. */
    readonly primary: boolean,
    /** The value accepted in this view, or null until a PRE-PREPARE is accepted. */
    public accepted: string | null,
    /** The signature of the view's primary on the accepted pre-prepare (rounds with views). */
    public prePrepareSignature: string | null,
    private readonly rules: VoteRules,
  ) {
    this.prepareNeed = this.neededPrepares()
    this.commitNeed = this.neededCommits()
  }

  get prepared(): boolean {
    return this.accepted !== null && this.prepareSenders.size >= this.prepareNeed
  }

  get committed(): boolean {
    return this.prepared && this.commitSenders.size >= this.commitNeed
  }

  get prepareQuorum(): number {
    return this.prepareNeed
  }

  get commitQuorum(): number {
    return this.commitNeed
  }

  get ownPrepare(): boolean {
    return this.votedPrepare
  }

  get ownCommit(): boolean {
    return this.votedCommit
  }

  /** It sent its vote of the prepare certificate; `signature` is its PREPARE's (none for a primary's pre-prepare). */
  votePrepare(self: number, signature: string | undefined): void {
    this.votedPrepare = true
    this.prepareNeed = this.neededPrepares()
    if (signature !== undefined && !this.primary) this.prepareVotes.set(self, signature)
  }

  voteCommit(): void {
    this.votedCommit = true
    this.commitNeed = this.neededCommits()
  }

  /** The certificate of this view as a VIEW-CHANGE carries it; null unless prepared with a signed pre-prepare. */
  certificate(): Certificate | null {
    if (!this.prepared || this.accepted === null || this.prePrepareSignature === null) return null
    const prepares: PrepareVote[] = [...this.prepareVotes].sort(([a], [b]) => a - b).map(([from, signature]) => ({ from, signature }))
    return { view: this.view, value: this.accepted, prePrepare: this.prePrepareSignature, prepares }
  }

  private neededPrepares(): number {
    const { nodes, f, quorumRule } = this.rules
    return preparesNeeded(nodes, f, quorumRule, { primary: this.primary, voted: this.votedPrepare })
  }

  private neededCommits(): number {
    const { nodes, f, quorumRule } = this.rules
    return commitsNeeded(nodes, f, quorumRule, this.votedCommit)
  }
}
