import { isByzantine, outgoingValue, PROPOSAL, sendsMessages, tamperedInTransit, TAMPERED } from '../byzantine'
import type { NormalizedRound } from '../config'
import { countsPrepareFrom, quorumThresholds, viewChangesNeeded, weakQuorum, type QuorumRule } from '../quorum'
import { deliveryThreshold, type Rng } from '../rng'

/** No value (not accepted, not decided, no certificate). */
export const NONE = -1

/**
 * What the message-level kernel knows about a round configuration, and the per-phase arrays
 * it plays on: typed arrays allocated once and reused, so playing a round allocates nothing.
 * View 0 (`kernel.ts`) and the later views (`viewKernel.ts`) share it.
 */
export class KernelState {
  readonly nodes: number
  readonly f: number
  readonly quorumRule: QuorumRule
  readonly authentication: boolean
  /** `linkProb` as `nextU32()` thresholds, row-major by sender. */
  readonly threshold: Float64Array
  /** The client's links (rounds with views). */
  readonly clientThreshold: number
  readonly honest: Uint8Array
  /** Non-silent Byzantine replicas: in every phase, whatever they received. */
  readonly byzantineSender: Uint8Array
  readonly tampers: Uint8Array
  /**
   * `outgoingValue(kind of i, PROPOSAL, j)` at [i * N + j]: what i sends j unless it is an
   * honest replica sending its accepted value (so: Byzantine senders, and any PRE-PREPARE).
   * Byzantine replicas collude and always know the proposal: their "honest value" is it.
   */
  readonly faultyValue: Int8Array
  /** What a Byzantine replica puts in its REPLY to the client (id N). */
  readonly faultyReply: Int8Array
  /** Matching PREPAREs the view's primary needs, a backup needs, and COMMITs anyone needs (bots always vote). */
  readonly primaryNeeds: number
  readonly backupNeeds: number
  readonly commitNeeds: number
  /** VIEW-CHANGEs from others a new primary needs; f + 1 (joining a view change, the client accepting). */
  readonly viewChangeNeeds: number
  readonly weakQuorum: number
  /** Whether a (Byzantine) primary's PREPARE counts: not under castro-liskov, where its vote is the PRE-PREPARE. */
  readonly primaryPrepareCounts: boolean
  /** The value each honest replica accepted in the view being played (NONE: not in it). */
  readonly accepted: Int8Array
  /** Matching PREPAREs (then COMMITs) counted by each honest replica in the phase being played. */
  readonly matching: Int32Array
  /** Who takes part in the phase being played. */
  readonly inPhase: Uint8Array
  readonly prepared: Uint8Array
  readonly committed: Uint8Array
  readonly senders: Int32Array
  readonly recipients: Int32Array
  /** Messages between replicas so far in the round. */
  sent = 0
  delivered = 0
  rejected = 0

  constructor(round: NormalizedRound) {
    const n = round.nodes
    this.nodes = n
    this.f = round.f
    this.quorumRule = round.quorumRule
    this.authentication = round.authentication
    this.threshold = new Float64Array(n * n)
    for (let k = 0; k < n * n; k++) this.threshold[k] = deliveryThreshold(round.linkProb[k] ?? 0)
    this.clientThreshold = deliveryThreshold(round.clientP)
    this.honest = new Uint8Array(n)
    this.byzantineSender = new Uint8Array(n)
    this.tampers = new Uint8Array(n)
    this.faultyValue = new Int8Array(n * n)
    this.faultyReply = new Int8Array(n)
    const needs = quorumThresholds(n, round.f, round.quorumRule)
    this.primaryNeeds = needs.primaryPrepares
    this.backupNeeds = needs.backupPrepares
    this.commitNeeds = needs.commits
    this.viewChangeNeeds = viewChangesNeeded(n, round.f, round.quorumRule)
    this.weakQuorum = weakQuorum(round.f)
    this.primaryPrepareCounts = countsPrepareFrom(round.quorumRule, 0, 0)
    round.faults.forEach((kind, i) => {
      this.honest[i] = isByzantine(kind) ? 0 : 1
      this.byzantineSender[i] = isByzantine(kind) && sendsMessages(kind) ? 1 : 0
      this.tampers[i] = tamperedInTransit(kind) ? 1 : 0
      for (let j = 0; j < n; j++) this.faultyValue[i * n + j] = outgoingValue(kind, PROPOSAL, j)
      this.faultyReply[i] = outgoingValue(kind, PROPOSAL, n)
    })
    this.accepted = new Int8Array(n)
    this.matching = new Int32Array(n)
    this.inPhase = new Uint8Array(n)
    this.prepared = new Uint8Array(n)
    this.committed = new Uint8Array(n)
    this.senders = new Int32Array(n)
    this.recipients = new Int32Array(n)
  }

  /** Writes the replicas taking part in the current phase, ascending, into `into`, leaving out `except`. */
  collect(into: Int32Array, except: number): number {
    let size = 0
    for (let i = 0; i < this.nodes; i++) if (this.inPhase[i] === 1 && i !== except) into[size++] = i
    return size
  }

  /**
   * Every sender in `senders` sends to every recipient but itself, both in ascending id, one
   * draw each; each honest recipient counts the delivered, authentic messages that match its
   * accepted value (those from `primary` only if `fromPrimaryCounts`). Authentication is
   * modelled, not computed: a message altered in transit after its MAC was made never
   * verifies, so with authentication on it is rejected, and with it off it reads TAMPERED.
   */
  exchange(rng: Rng, senderCount: number, recipientCount: number, primary: number, fromPrimaryCounts: boolean): void {
    const n = this.nodes
    const { senders, recipients, threshold, honest, tampers, faultyValue, accepted, matching } = this
    const authentication = this.authentication
    matching.fill(0)
    let sent = 0
    let delivered = 0
    let rejected = 0
    for (let s = 0; s < senderCount; s++) {
      const i = senders[s] ?? 0
      const row = i * n
      const senderHonest = honest[i] === 1
      const ownValue = accepted[i] ?? NONE
      const tampered = tampers[i] === 1
      const counts = fromPrimaryCounts || i !== primary
      for (let r = 0; r < recipientCount; r++) {
        const j = recipients[r] ?? 0
        if (j === i) continue
        sent++
        if (rng.nextU32() >= (threshold[row + j] ?? 0)) continue
        delivered++
        let value = senderHonest ? ownValue : (faultyValue[row + j] ?? NONE)
        if (tampered) {
          if (authentication) {
            rejected++
            continue
          }
          value = TAMPERED
        }
        if (counts && honest[j] === 1 && value === accepted[j]) matching[j] = (matching[j] ?? 0) + 1
      }
    }
    this.sent += sent
    this.delivered += delivered
    this.rejected += rejected
  }
}
