import { PROPOSAL, TAMPERED, type ValueId } from '../byzantine'
import { ConfigError, type NormalizedRound } from '../config'
import type { Rng } from '../rng'
import type { KernelRoundResult } from './kernelResult'
import { KernelState, NONE } from './kernelState'
import { failurePhaseOf, VerdictCache } from './verdicts'
import { ViewRounds } from './viewKernel'

export type { KernelRoundResult } from './kernelResult'

export interface RoundKernel {
  readonly nodes: number
  /** Views a round may use (K), or null for the classic round without a client. */
  readonly views: number | null
  /**
   * Plays one round, drawing exactly one `rng.nextU32()` per message of view 0's normal case,
   * in send order; with views every other draw comes from `viewRng`, which is then required.
   */
  playRound(rng: Rng, viewRng?: Rng): KernelRoundResult
}

export interface KernelOptions {
  /**
   * Views a round may use (K >= 1): the kernel then plays the client and view changes exactly
   * as `runRound(config, { seed, maxViews: K })` does. Left out: the classic round.
   */
  views?: number
}

/**
 * The message-level kernel: one round exactly as the README specifies, message by message,
 * on typed arrays allocated once and reused (`KernelState`), so playing a round allocates
 * nothing. View 0 is played here from the main stream; the REPLYs and later views by
 * `ViewRounds` from the second stream. (The reference `runRound` computes real HMACs and
 * signatures and must reach the same verdicts, message counts included.)
 */
export function createKernel(round: NormalizedRound, options: KernelOptions = {}): RoundKernel {
  return new MessageKernel(round, options.views ?? null)
}

class MessageKernel implements RoundKernel {
  readonly nodes: number
  private readonly state: KernelState
  private readonly primarySends: boolean
  /** Each replica's decision (its first commit), NONE when it has none. */
  private readonly decision: Int8Array
  private readonly viewRounds: ViewRounds | null
  private readonly verdicts: VerdictCache
  private readonly result: KernelRoundResult

  constructor(
    round: NormalizedRound,
    readonly views: number | null,
  ) {
    if (views !== null && round.view !== 0) throw new ConfigError(`a round with views starts in view 0, got view ${round.view}`)
    const n = round.nodes
    this.nodes = n
    this.state = new KernelState(round)
    this.primarySends = this.state.byzantineSender[0] === 1 || this.state.honest[0] === 1
    this.decision = new Int8Array(n)
    this.viewRounds = views === null ? null : new ViewRounds(this.state, views, this.decision)
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
      view: 0,
      viewChanges: 0,
      clientAccepted: false,
      clientValue: null,
      clientSent: 0,
      clientDelivered: 0,
      clientDropped: 0,
      clientRejected: 0,
    }
  }

  playRound(rng: Rng, viewRng?: Rng): KernelRoundResult {
    const state = this.state
    const n = this.nodes
    const { honest, byzantineSender, accepted, matching, inPhase, prepared, committed } = state
    state.sent = 0
    state.delivered = 0
    state.rejected = 0
    this.prePrepare(rng)

    // Prepare: among honest replicas that accepted a value and non-silent Byzantine ones; an
    // honest primary receives PREPAREs but sends none.
    let npp = 0
    for (let i = 0; i < n; i++) {
      const acceptedValue = honest[i] === 1 && accepted[i] !== NONE
      if (acceptedValue) npp++
      inPhase[i] = acceptedValue || byzantineSender[i] === 1 ? 1 : 0
    }
    const prepareSenders = state.collect(state.senders, honest[0] === 1 ? 0 : NONE)
    const prepareRecipients = state.collect(state.recipients, NONE)
    state.exchange(rng, prepareSenders, prepareRecipients, 0, state.primaryPrepareCounts)
    let np = 0
    for (let i = 0; i < n; i++) {
      const needs = i === 0 ? state.primaryNeeds : state.backupNeeds
      const isPrepared = honest[i] === 1 && accepted[i] !== NONE && (matching[i] ?? 0) >= needs
      prepared[i] = isPrepared ? 1 : 0
      if (isPrepared) np++
      inPhase[i] = isPrepared || byzantineSender[i] === 1 ? 1 : 0
    }

    // Commit: among prepared honest replicas and non-silent Byzantine ones.
    const commitSenders = state.collect(state.senders, NONE)
    const commitRecipients = state.collect(state.recipients, NONE)
    state.exchange(rng, commitSenders, commitRecipients, 0, true)
    let nc = 0
    const decision = this.decision
    for (let i = 0; i < n; i++) {
      const isCommitted = prepared[i] === 1 && (matching[i] ?? 0) >= state.commitNeeds
      committed[i] = isCommitted ? 1 : 0
      decision[i] = isCommitted ? (accepted[i] ?? NONE) : NONE
      if (isCommitted) nc++
    }
    const views = this.viewRounds
    if (views === null) return this.report(npp, np, nc)
    if (viewRng === undefined) throw new RangeError('a kernel with views needs the second random stream')
    views.play(viewRng)
    return this.report(views.npp, views.np, views.nc)
  }

  /** The primary's PRE-PREPAREs to backups 1..N-1; sets every honest replica's accepted value. */
  private prePrepare(rng: Rng): void {
    const state = this.state
    const n = this.nodes
    const accepted = state.accepted
    accepted.fill(NONE)
    // The honest primary holds the proposal (with views: from the client's REQUEST, never lost).
    if (state.honest[0] === 1) accepted[0] = PROPOSAL
    if (!this.primarySends) return
    const threshold = state.threshold
    const tampered = state.tampers[0] === 1
    let sent = 0
    let delivered = 0
    let rejected = 0
    for (let j = 1; j < n; j++) {
      sent++
      if (rng.nextU32() >= (threshold[j] ?? 0)) continue
      delivered++
      let value = state.faultyValue[j] ?? PROPOSAL
      if (tampered) {
        if (state.authentication) {
          rejected++
          continue
        }
        value = TAMPERED
      }
      if (state.honest[j] === 1) accepted[j] = value
    }
    state.sent += sent
    state.delivered += delivered
    state.rejected += rejected
  }

  private report(npp: number, np: number, nc: number): KernelRoundResult {
    const result = this.result
    const state = this.state
    result.npp = npp
    result.np = np
    result.nc = nc
    const decided = result.decided
    decided.length = 0
    for (let i = 0; i < this.nodes; i++) {
      const value = this.decision[i] ?? NONE
      if (state.honest[i] !== 1 || value === NONE) continue
      if (!decided.includes(value as ValueId)) decided.push(value as ValueId)
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
    result.sent = state.sent
    result.delivered = state.delivered
    result.dropped = state.sent - state.delivered
    result.rejected = state.rejected
    const views = this.viewRounds
    if (views !== null) views.report(result)
    return result
  }
}
