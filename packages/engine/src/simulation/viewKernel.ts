import { PROPOSAL, TAMPERED, type ValueId } from '../byzantine'
import type { Rng } from '../rng'
import type { KernelRoundResult } from './kernelResult'
import { NONE, type KernelState } from './kernelState'

/** Values a round can carry in the kernel: PROPOSAL, CONFLICTING, TAMPERED. */
const VALUES = 3

/**
 * The client and the later views of a round in the message-level kernel, after view 0's
 * normal case was played from the main stream: view 0's REPLYs, then while the client has not
 * accepted and views remain, the client's re-broadcast, the VIEW-CHANGEs (in waves, as
 * replicas join on f + 1), the NEW-VIEW and the normal case and REPLYs of the new view, every
 * draw from the second stream, in exactly LiveRound's order.
 *
 * Signatures are modelled: an honest replica's prepared certificate is always valid (it holds
 * only authentic messages, and with authentication off nothing is verified), a Byzantine
 * replica's VIEW-CHANGE carries none, and a tampered VIEW-CHANGE never checks (its MAC fails,
 * or without authentication its value no longer matches its body).
 */
export class ViewRounds {
  /** The sets of the round just played, in any view. */
  npp = 0
  np = 0
  nc = 0
  private readonly n: number
  /** The view each replica is in, and the value it accepted there (honest replicas). */
  private readonly view: Int32Array
  private readonly viewValue: Int8Array
  private readonly everAccepted: Uint8Array
  private readonly everPrepared: Uint8Array
  /** Its highest prepared certificate (view, value); view -1 when none. */
  private readonly certView: Int32Array
  private readonly certValue: Int8Array
  /** It knows of the request (timer), holds the signed request, owes the client a REPLY. */
  private readonly knows: Uint8Array
  private readonly holds: Uint8Array
  private readonly replyDue: Uint8Array
  /** View change: valid VIEW-CHANGEs each replica holds, who acted, who is queued, whom the new primary heard. */
  private readonly vcCount: Int32Array
  private readonly acted: Uint8Array
  private readonly queued: Uint8Array
  private readonly heard: Uint8Array
  private wave: Int32Array
  private next: Int32Array
  /** The client: who replied each value (`replied[value * N + i]`), how many, what it accepted. */
  private readonly replied: Uint8Array
  private readonly replyCount: Int32Array
  private clientValue = NONE
  private clientSent = 0
  private clientDelivered = 0
  private clientRejected = 0
  private roundView = 0
  private entered = 0

  constructor(
    private readonly state: KernelState,
    private readonly maxViews: number,
    /** Each replica's decision, shared with the kernel (its first commit; NONE when none). */
    private readonly decision: Int8Array,
  ) {
    const n = state.nodes
    this.n = n
    this.view = new Int32Array(n)
    this.viewValue = new Int8Array(n)
    this.everAccepted = new Uint8Array(n)
    this.everPrepared = new Uint8Array(n)
    this.certView = new Int32Array(n)
    this.certValue = new Int8Array(n)
    this.knows = new Uint8Array(n)
    this.holds = new Uint8Array(n)
    this.replyDue = new Uint8Array(n)
    this.vcCount = new Int32Array(n)
    this.acted = new Uint8Array(n)
    this.queued = new Uint8Array(n)
    this.heard = new Uint8Array(n)
    this.wave = new Int32Array(n)
    this.next = new Int32Array(n)
    this.replied = new Uint8Array(VALUES * n)
    this.replyCount = new Int32Array(VALUES)
  }

  /** Plays the rest of the round from `rng` (the second stream), view 0's normal case being over. */
  play(rng: Rng): void {
    this.startFromViewZero()
    this.replies(rng)
    for (let v = 1; v < this.maxViews && this.clientValue === NONE; v++) {
      this.roundView = v
      let entered = this.viewChange(rng, v)
      entered = this.newView(rng, v) || entered
      if (entered) this.entered++
      this.normalCase(rng, v)
      this.replies(rng)
    }
    const { honest } = this.state
    let npp = 0
    let np = 0
    let nc = 0
    for (let i = 0; i < this.n; i++) {
      if (honest[i] !== 1) continue
      npp += this.everAccepted[i] ?? 0
      np += this.everPrepared[i] ?? 0
      if (this.decision[i] !== NONE) nc++
    }
    this.npp = npp
    this.np = np
    this.nc = nc
  }

  /** Adds the client's and the views' figures to a kernel result. */
  report(result: KernelRoundResult): void {
    result.view = this.roundView
    result.viewChanges = this.entered
    result.clientAccepted = this.clientValue !== NONE
    result.clientValue = this.clientValue === NONE ? null : (this.clientValue as ValueId)
    result.clientSent = this.clientSent
    result.clientDelivered = this.clientDelivered
    result.clientDropped = this.clientSent - this.clientDelivered
    result.clientRejected = this.clientRejected
  }

  /** Every replica's state after view 0's normal case; the client's first REQUEST reached the primary. */
  private startFromViewZero(): void {
    const { honest, accepted, prepared, committed } = this.state
    for (let i = 0; i < this.n; i++) {
      const inRound = honest[i] === 1 && accepted[i] !== NONE
      this.view[i] = 0
      this.viewValue[i] = accepted[i] ?? NONE
      this.everAccepted[i] = inRound ? 1 : 0
      this.everPrepared[i] = prepared[i] ?? 0
      this.certView[i] = prepared[i] === 1 ? 0 : -1
      this.certValue[i] = accepted[i] ?? NONE
      this.knows[i] = inRound || i === 0 ? 1 : 0
      this.holds[i] = i === 0 ? 1 : 0
      this.replyDue[i] = committed[i] ?? 0
    }
    this.replied.fill(0)
    this.replyCount.fill(0)
    this.clientValue = NONE
    this.clientSent = 1
    this.clientDelivered = 1
    this.clientRejected = 0
    this.roundView = 0
    this.entered = 0
  }

  /** REPLYs, ascending: honest replicas that owe one (their decision), non-silent Byzantine ones (their kind's value). */
  private replies(rng: Rng): void {
    const { honest, byzantineSender, tampers, faultyReply, clientThreshold, authentication } = this.state
    const n = this.n
    for (let i = 0; i < n; i++) {
      let value: number
      if (honest[i] === 1) {
        if (this.replyDue[i] !== 1) continue
        this.replyDue[i] = 0
        value = this.decision[i] ?? NONE
      } else if (byzantineSender[i] === 1) {
        value = faultyReply[i] ?? PROPOSAL
      } else continue
      this.clientSent++
      if (rng.nextU32() >= clientThreshold) continue
      this.clientDelivered++
      if (tampers[i] === 1) {
        if (authentication) {
          this.clientRejected++
          continue
        }
        value = TAMPERED
      }
      const at = value * n + i
      if (this.replied[at] === 1) continue
      this.replied[at] = 1
      const count = (this.replyCount[value] ?? 0) + 1
      this.replyCount[value] = count
      if (this.clientValue === NONE && count >= this.state.weakQuorum) this.clientValue = value
    }
  }

  /** The client's re-broadcast, then the VIEW-CHANGEs to view `v` in waves. Returns whether an honest replica sent one. */
  private viewChange(rng: Rng, v: number): boolean {
    const state = this.state
    const { honest, byzantineSender, tampers, threshold, authentication } = state
    const n = this.n
    for (let j = 0; j < n; j++) {
      this.clientSent++
      if (rng.nextU32() >= state.clientThreshold) continue
      this.clientDelivered++
      this.holds[j] = 1
      this.knows[j] = 1
      if (honest[j] === 1 && this.decision[j] !== NONE) this.replyDue[j] = 1
    }
    this.vcCount.fill(0)
    this.acted.fill(0)
    this.queued.fill(0)
    this.heard.fill(0)
    const primary = v % n
    let size = 0
    for (let i = 0; i < n; i++) {
      const timedOut = honest[i] === 1 ? this.knows[i] === 1 && this.decision[i] === NONE : byzantineSender[i] === 1
      if (!timedOut) continue
      this.wave[size++] = i
      this.queued[i] = 1
    }
    let honestSent = false
    let sent = 0
    let delivered = 0
    let rejected = 0
    while (size > 0) {
      let joined = 0
      for (let s = 0; s < size; s++) {
        const i = this.wave[s] ?? 0
        this.acted[i] = 1
        if (honest[i] === 1) honestSent = true
        const row = i * n
        const tampered = tampers[i] === 1
        const carriesRequest = this.holds[i] === 1
        for (let j = 0; j < n; j++) {
          if (j === i) continue
          sent++
          if (rng.nextU32() >= (threshold[row + j] ?? 0)) continue
          delivered++
          if (tampered) {
            // Rejected by the MAC, or without authentication refused: its value no longer matches its body.
            if (authentication) rejected++
            continue
          }
          const count = (this.vcCount[j] ?? 0) + 1
          this.vcCount[j] = count
          if (j === primary) this.heard[i] = 1
          if (carriesRequest) this.holds[j] = 1
          if (honest[j] === 1 && this.acted[j] === 0 && this.queued[j] === 0 && count >= state.weakQuorum && (this.view[j] ?? 0) < v) {
            this.queued[j] = 1
            this.next[joined++] = j
          }
        }
      }
      const wave = this.next
      wave.subarray(0, joined).sort()
      this.next = this.wave
      this.wave = wave
      size = joined
    }
    state.sent += sent
    state.delivered += delivered
    state.rejected += rejected
    return honestSent
  }

  /** The NEW-VIEW of view `v`'s primary, and who accepts it. Returns whether an honest replica entered the view. */
  private newView(rng: Rng, v: number): boolean {
    const state = this.state
    const { honest, byzantineSender, tampers, threshold, faultyValue, authentication } = state
    const n = this.n
    const primary = v % n
    // The re-proposal of its set V: its own VIEW-CHANGE and those it heard; the highest certificate, lowest id first.
    let bestView = -1
    let bestValue = NONE
    for (let i = 0; i < n; i++) {
      const inSet = i === primary || this.heard[i] === 1
      if (!inSet || honest[i] !== 1 || (this.certView[i] ?? -1) <= bestView) continue
      bestView = this.certView[i] ?? -1
      bestValue = this.certValue[i] ?? NONE
    }
    const reProposal = bestView >= 0 ? bestValue : this.holds[primary] === 1 ? PROPOSAL : NONE
    const valid = (this.vcCount[primary] ?? 0) >= state.viewChangeNeeds && reProposal !== NONE
    const primaryHonest = honest[primary] === 1
    if (primaryHonest ? !valid : byzantineSender[primary] !== 1) return false
    const base = reProposal === NONE ? PROPOSAL : reProposal
    const tampered = tampers[primary] === 1
    const row = primary * n
    let entered = primaryHonest
    let sent = 0
    let delivered = 0
    let rejected = 0
    for (let j = 0; j < n; j++) {
      if (j === primary) continue
      sent++
      if (rng.nextU32() >= (threshold[row + j] ?? 0)) continue
      delivered++
      const faulty = faultyValue[row + j] ?? PROPOSAL
      let value = primaryHonest || faulty === PROPOSAL ? base : faulty
      if (tampered) {
        if (authentication) {
          rejected++
          continue
        }
        value = TAMPERED
      }
      if (honest[j] !== 1 || !valid || value !== reProposal) continue
      this.enter(j, v, value)
      if (this.holds[primary] === 1) this.holds[j] = 1
      entered = true
    }
    if (primaryHonest) this.enter(primary, v, reProposal)
    state.sent += sent
    state.delivered += delivered
    state.rejected += rejected
    return entered
  }

  private enter(i: number, v: number, value: number): void {
    this.view[i] = v
    this.viewValue[i] = value
    this.everAccepted[i] = 1
    this.knows[i] = 1
  }

  /** PREPAREs and COMMITs of view `v` among the honest replicas in it and the non-silent Byzantine ones. */
  private normalCase(rng: Rng, v: number): void {
    const state = this.state
    const { honest, byzantineSender, accepted, matching, inPhase, prepared } = state
    const n = this.n
    const primary = v % n
    for (let i = 0; i < n; i++) {
      const value = honest[i] === 1 && this.view[i] === v ? (this.viewValue[i] ?? NONE) : NONE
      accepted[i] = value
      inPhase[i] = value !== NONE || byzantineSender[i] === 1 ? 1 : 0
    }
    const prepareSenders = state.collect(state.senders, honest[primary] === 1 ? primary : NONE)
    const prepareRecipients = state.collect(state.recipients, NONE)
    state.exchange(rng, prepareSenders, prepareRecipients, primary, state.primaryPrepareCounts)
    for (let i = 0; i < n; i++) {
      const needs = i === primary ? state.primaryNeeds : state.backupNeeds
      const isPrepared = accepted[i] !== NONE && (matching[i] ?? 0) >= needs
      prepared[i] = isPrepared ? 1 : 0
      if (isPrepared) {
        this.everPrepared[i] = 1
        this.certView[i] = v
        this.certValue[i] = accepted[i] ?? NONE
      }
      inPhase[i] = isPrepared || byzantineSender[i] === 1 ? 1 : 0
    }
    const commitSenders = state.collect(state.senders, NONE)
    const commitRecipients = state.collect(state.recipients, NONE)
    state.exchange(rng, commitSenders, commitRecipients, primary, true)
    for (let i = 0; i < n; i++) {
      if (prepared[i] !== 1 || (matching[i] ?? 0) < state.commitNeeds) continue
      if (this.decision[i] === NONE) this.decision[i] = accepted[i] ?? NONE
      this.replyDue[i] = 1
    }
  }
}
