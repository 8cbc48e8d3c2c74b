import { isByzantine, outgoingValue, PROPOSAL, sendsMessages, tamperedInTransit, TAMPERED, type ValueId } from '../byzantine'
import type { NormalizedRound } from '../config'
import type { Phase, RoundOutcome } from '../outcome'
import { countsPrepareFrom, quorumThresholds } from '../quorum'
import { deliveryThreshold, type Rng } from '../rng'
import { failurePhaseOf, VerdictCache } from './verdicts'

/**
 * The outcome of one round played by the kernel. `playRound` returns the SAME object every
 * time, overwritten in place (and `decided` is the same array): copy what you keep.
 */
export interface KernelRoundResult {
  /** |V_pp|, |V_p|, |V_c|: honest replicas that accepted, prepared, committed. */
  npp: number
  np: number
  nc: number
  /** True exactly when `outcome` is 'success' (N - f honest replicas committed, all one value). */
  success: boolean
  /** The first short phase of a no-decision round; 'commit' for a safety violation; null on success. */
  failurePhase: Phase | null
  outcome: RoundOutcome
  /** Two honest replicas committed different values. */
  safetyViolation: boolean
  /** The distinct values honest replicas committed, in ascending replica order of first decision. */
  decided: ValueId[]
  sent: number
  delivered: number
  dropped: number
  rejected: number
}

export interface RoundKernel {
  readonly nodes: number
  /** Plays one round, drawing exactly one `rng.nextU32()` per message sent, in send order. */
  playRound(rng: Rng): KernelRoundResult
}

/** No value accepted (the replica is not in V_pp). */
const NONE = -1

/**
 * The message-level kernel: one round exactly as the README specifies, message by message,
 * on typed arrays allocated once and reused, so playing a round allocates nothing.
 *
 * Authentication is modelled, not computed: a message altered in transit after its MAC was
 * made can never verify, so with authentication on a tampered message is rejected outright,
 * and with it off the receiver sees TAMPERED. (The reference `runRound` computes real HMACs
 * and must reach the same verdicts.)
 */
export function createKernel(round: NormalizedRound): RoundKernel {
  return new MessageKernel(round)
}

class MessageKernel implements RoundKernel {
  readonly nodes: number
  private readonly authentication: boolean
  /** `linkProb` as `nextU32()` thresholds, row-major by sender. */
  private readonly threshold: Float64Array
  private readonly honest: Uint8Array
  /** Non-silent Byzantine replicas: in every phase, whatever they received. */
  private readonly byzantineSender: Uint8Array
  private readonly tampers: Uint8Array
  /**
   * `outgoingValue(kind of i, PROPOSAL, j)` at [i * N + j]: what i sends j unless it is an
   * honest replica sending its accepted value (so: Byzantine senders, and any PRE-PREPARE).
   */
  private readonly faultyValue: Int8Array
  private readonly primarySends: boolean
  /** Matching PREPAREs the primary needs, a backup needs, and COMMITs anyone needs (bots always vote). */
  private readonly primaryNeeds: number
  private readonly backupNeeds: number
  private readonly commitNeeds: number
  /** Whether a (Byzantine) primary's PREPARE counts: not under castro-liskov, where its vote is the PRE-PREPARE. */
  private readonly primaryPrepareCounts: boolean
  private readonly accepted: Int8Array
  /** Matching PREPAREs (then COMMITs) counted by each honest replica. */
  private readonly matching: Int32Array
  /** Who takes part in the phase being played. */
  private readonly inPhase: Uint8Array
  private readonly prepared: Uint8Array
  private readonly committed: Uint8Array
  private readonly senders: Int32Array
  private readonly recipients: Int32Array
  private readonly verdicts: VerdictCache
  private readonly result: KernelRoundResult
  private sent = 0
  private delivered = 0
  private rejected = 0

  constructor(round: NormalizedRound) {
    const n = round.nodes
    this.nodes = n
    this.authentication = round.authentication
    this.threshold = new Float64Array(n * n)
    for (let k = 0; k < n * n; k++) this.threshold[k] = deliveryThreshold(round.linkProb[k] ?? 0)
    this.honest = new Uint8Array(n)
    this.byzantineSender = new Uint8Array(n)
    this.tampers = new Uint8Array(n)
    this.faultyValue = new Int8Array(n * n)
    this.primarySends = sendsMessages(round.faults[0] ?? 'honest')
    const needs = quorumThresholds(n, round.f, round.quorumRule)
    this.primaryNeeds = needs.primaryPrepares
    this.backupNeeds = needs.backupPrepares
    this.commitNeeds = needs.commits
    this.primaryPrepareCounts = countsPrepareFrom(round.quorumRule, 0)
    round.faults.forEach((kind, i) => {
      this.honest[i] = isByzantine(kind) ? 0 : 1
      this.byzantineSender[i] = isByzantine(kind) && sendsMessages(kind) ? 1 : 0
      this.tampers[i] = tamperedInTransit(kind) ? 1 : 0
      // Byzantine replicas collude and always know the proposal: their "honest value" is it.
      for (let j = 0; j < n; j++) this.faultyValue[i * n + j] = outgoingValue(kind, PROPOSAL, j)
    })
    this.accepted = new Int8Array(n)
    this.matching = new Int32Array(n)
    this.inPhase = new Uint8Array(n)
    this.prepared = new Uint8Array(n)
    this.committed = new Uint8Array(n)
    this.senders = new Int32Array(n)
    this.recipients = new Int32Array(n)
    this.verdicts = new VerdictCache(n, round.f)
    this.result = {
      npp: 0,
      np: 0,
      nc: 0,
      success: false,
      failurePhase: null,
      outcome: 'no-decision',
      safetyViolation: false,
      decided: [],
      sent: 0,
      delivered: 0,
      dropped: 0,
      rejected: 0,
    }
  }

  playRound(rng: Rng): KernelRoundResult {
    const n = this.nodes
    const { honest, byzantineSender, accepted, matching, inPhase, prepared, committed } = this
    this.sent = 0
    this.delivered = 0
    this.rejected = 0
    this.prePrepare(rng)

    // Prepare: among honest replicas that accepted a value and non-silent Byzantine ones; an
    // honest primary receives PREPAREs but sends none.
    let npp = 0
    for (let i = 0; i < n; i++) {
      const acceptedValue = honest[i] === 1 && accepted[i] !== NONE
      if (acceptedValue) npp++
      inPhase[i] = acceptedValue || byzantineSender[i] === 1 ? 1 : 0
    }
    const prepareSenders = this.collect(this.senders, honest[0] === 1 ? 0 : NONE)
    const prepareRecipients = this.collect(this.recipients, NONE)
    this.exchange(rng, prepareSenders, prepareRecipients, this.primaryPrepareCounts)
    let np = 0
    for (let i = 0; i < n; i++) {
      const needs = i === 0 ? this.primaryNeeds : this.backupNeeds
      const isPrepared = honest[i] === 1 && accepted[i] !== NONE && (matching[i] ?? 0) >= needs
      prepared[i] = isPrepared ? 1 : 0
      if (isPrepared) np++
      inPhase[i] = isPrepared || byzantineSender[i] === 1 ? 1 : 0
    }

    // Commit: among prepared honest replicas and non-silent Byzantine ones.
    const commitSenders = this.collect(this.senders, NONE)
    const commitRecipients = this.collect(this.recipients, NONE)
    this.exchange(rng, commitSenders, commitRecipients, true)
    let nc = 0
    for (let i = 0; i < n; i++) {
      const isCommitted = prepared[i] === 1 && (matching[i] ?? 0) >= this.commitNeeds
      committed[i] = isCommitted ? 1 : 0
      if (isCommitted) nc++
    }
    return this.report(npp, np, nc)
  }

  /** The primary's PRE-PREPAREs to backups 1..N-1; sets every honest replica's accepted value. */
  private prePrepare(rng: Rng): void {
    const n = this.nodes
    const accepted = this.accepted
    accepted.fill(NONE)
    if (this.honest[0] === 1) accepted[0] = PROPOSAL
    if (!this.primarySends) return
    const threshold = this.threshold
    const tampered = this.tampers[0] === 1
    let sent = 0
    let delivered = 0
    let rejected = 0
    for (let j = 1; j < n; j++) {
      sent++
      if (rng.nextU32() >= (threshold[j] ?? 0)) continue
      delivered++
      let value = this.faultyValue[j] ?? PROPOSAL
      if (tampered) {
        if (this.authentication) {
          rejected++
          continue
        }
        value = TAMPERED
      }
      if (this.honest[j] === 1) accepted[j] = value
    }
    this.sent += sent
    this.delivered += delivered
    this.rejected += rejected
  }

  /**
   * Every sender in `senders` sends to every recipient but itself, both in ascending id; each
   * honest recipient counts the delivered, authentic messages that match its accepted value
   * (those from the primary only if `fromPrimaryCounts`).
   */
  private exchange(rng: Rng, senderCount: number, recipientCount: number, fromPrimaryCounts: boolean): void {
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
      const counts = fromPrimaryCounts || i !== 0
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

  /** Writes the replicas taking part in the current phase, ascending, into `into`, leaving out `except`. */
  private collect(into: Int32Array, except: number): number {
    let size = 0
    for (let i = 0; i < this.nodes; i++) if (this.inPhase[i] === 1 && i !== except) into[size++] = i
    return size
  }

  private report(npp: number, np: number, nc: number): KernelRoundResult {
    const result = this.result
    result.npp = npp
    result.np = np
    result.nc = nc
    const decided = result.decided
    decided.length = 0
    for (let i = 0; i < this.nodes; i++) {
      if (this.honest[i] !== 1 || this.committed[i] !== 1) continue
      const value = (this.accepted[i] ?? NONE) as ValueId
      if (!decided.includes(value)) decided.push(value)
    }
    // Success needs agreement (judgeRound): a split decision is a safety violation, whatever the sizes.
    result.safetyViolation = decided.length > 1
    if (result.safetyViolation) {
      result.success = false
      result.failurePhase = 'commit'
      result.outcome = 'safety-violated'
    } else {
      const code = this.verdicts.code(npp, np, nc)
      result.success = code === 0
      result.failurePhase = failurePhaseOf(code)
      result.outcome = code === 0 ? 'success' : 'no-decision'
    }
    result.sent = this.sent
    result.delivered = this.delivered
    result.dropped = this.sent - this.delivered
    result.rejected = this.rejected
    return result
  }
}
