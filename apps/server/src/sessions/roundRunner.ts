import type { LiveRound, TracedMessage } from '@pbft/engine'
import { DEFAULT_VIEW_TIMEOUT_MS, standInsOf, type BotStandIn, type ByzantineChoice, type CloseReason, type LiveRoundRecord, type PlayedBy, type RoundLogEntry, type StandInReason } from '@pbft/protocol'
import type { Timer } from './clock'
import { SeatTimers, type RoundRunnerHooks, type SeatHolder, type ViewClock } from './roundHooks'
import { engineChoice, replay } from './roundLog'

export { applyEntry, liveRoundOf, replay } from './roundLog'
export type { RoundChange, RoundRunnerHooks, RoundTiming, SeatHolder, ViewClock } from './roundHooks'

/**
 * Drives one live round in real (or fake) time: bots act after their pacing delay, a phase
 * closes once nobody is pending (after a short gap) or when its timeout expires, and every call
 * on the LiveRound is appended to the round's log, which is what gets persisted. The protocol
 * itself stays in the LiveRound; this only decides *when* things happen.
 *
 * Humans who do not act: with the session's idle bot on, a bot plays a human's pending seat
 * `idleBotAfterMs` after the phase opened (online or away alike) and the log says so
 * (`standIn`), so that the projector, the phone and replays can tell the class.
 *
 * Rounds with views (issue 13): the client's REQUEST opens view 0 (the projector's is sent at
 * once, a seat's when its holder sends it) and the REPLYs close each view, both without a
 * pause, so an honest round shows the same three phases as before. Each view has a clock
 * (`viewTimeoutMs × 2^view` from when the view opened); when a view's normal case ended
 * without the client accepting, the reply phase waits for that clock, then the view change
 * opens, and bots (the idle bot too) play its VIEW-CHANGEs and the NEW-VIEW like any phase.
 */
export class RoundRunner {
  readonly live: LiveRound
  readonly record: LiveRoundRecord
  /** Trace indices of the messages each replica received (delivered or rejected, never dropped). */
  readonly receivedBy: number[][]
  /** Trace indices of the messages each replica sent. */
  readonly sentBy: number[][]
  /** Epoch ms at which the open phase closes anyway (null once done). */
  phaseDeadline: number | null = null
  /** Every move a bot played for a human this round, in order. */
  readonly standIns: BotStandIn[]
  /** The clock of the view being played; null in a classic round. */
  viewClock: ViewClock | null = null
  private phaseTimer: Timer | null = null
  /** Fires when the view clock runs out. */
  private clockTimer: Timer | null = null
  private gapTimer: Timer | null = null
  private readonly botTimers = new SeatTimers()
  /** Seats whose human has until then to act before the idle bot plays for them. */
  private readonly idleTimers = new SeatTimers()
  private phaseOpenedAt = 0
  private stopped = false
  /** Messages of the trace filed in sentBy and receivedBy. */
  private indexed = 0

  /** Starts a round, or with a non-empty log resumes one (restore after a restart). */
  constructor(
    record: LiveRoundRecord,
    private readonly hooks: RoundRunnerHooks,
    /** The record's log already replayed (a caller that replayed it in slices), else replayed here. */
    live?: LiveRound,
  ) {
    this.record = record
    this.live = live ?? replay(record)
    const n = record.faults.length
    this.receivedBy = Array.from({ length: n }, () => [])
    this.sentBy = Array.from({ length: n }, () => [])
    this.indexNew()
    this.standIns = standInsOf(record.log, record.maxViews !== undefined)
  }

  /** Schedules the open phase's timers; call once, after the owner is ready for changes. */
  start(): void {
    if (this.live.phase === 'done') {
      this.finish()
      return
    }
    this.openPhase()
  }

  get done(): boolean {
    return this.live.phase === 'done'
  }

  /** The seat whose holder plays the client, or null (the projector plays it, or a classic round). */
  get clientSeat(): number | null {
    return this.live.clientId === null ? null : (this.record.clientSeat ?? null)
  }

  /** Replica `seat` (or the client, id N) sends its messages of this phase now; `standIn`: a bot plays for the seat's human. */
  act(seat: number, choice: ByzantineChoice | undefined, by: 'human' | 'bot', standIn?: StandInReason): readonly TracedMessage[] {
    const phase = this.live.phase
    const messages = this.live.act(seat, engineChoice(choice))
    const entry: Extract<RoundLogEntry, { type: 'act' }> = { type: 'act', replica: seat, by, at: this.elapsed() }
    if (choice !== undefined) entry.choice = choice
    if (standIn !== undefined && phase !== 'done') {
      entry.standIn = { reason: standIn, name: this.holder(seat).name }
      this.standIns.push({ nodeId: seat, phase, at: entry.at, ...entry.standIn })
    }
    this.record.log.push(entry)
    this.botTimers.cancel(seat)
    this.idleTimers.cancel(seat)
    this.indexNew()
    this.hooks.onChange({ kind: 'messages', from: seat, messages })
    // Replicas that now hold f + 1 VIEW-CHANGEs join the view change: they are pending now.
    if (phase === 'view-change') this.reschedule()
    this.afterTurn()
    return messages
  }

  /** Replica `seat` stays silent this phase. */
  skip(seat: number, by: 'human' | 'bot'): void {
    this.live.skip(seat)
    this.record.log.push({ type: 'skip', replica: seat, by, at: this.elapsed() })
    this.botTimers.cancel(seat)
    this.idleTimers.cancel(seat)
    this.hooks.onChange({ kind: 'messages', from: seat, messages: [] })
    this.afterTurn()
  }

  /** Closes the open phase now (pending replicas count as silent) and opens the next. */
  closePhase(reason: CloseReason): void {
    if (this.done || this.stopped) return
    this.advance(reason)
    // After opening: the views this change sends carry the new phase's deadline.
    if (!this.done) this.hooks.onChange({ kind: 'phase' })
  }

  /**
   * The view ends now, whatever phase it is in: the host forced it, or a seat whose view timer
   * expired asked for a new primary. The next view's view change opens (or, with no view left,
   * the round ends).
   */
  endView(reason: 'host' | 'timer'): void {
    if (this.done || this.stopped) return
    this.cancelTimers()
    this.live.forceViewChange()
    this.record.log.push({ type: 'view', reason, at: this.elapsed() })
    // Every timer of the view that ended expired now.
    if (this.viewClock !== null) this.viewClock = { ...this.viewClock, deadline: Math.min(this.viewClock.deadline, this.hooks.clock.now()) }
    this.enterPhase()
    if (!this.done) this.hooks.onChange({ kind: 'phase' })
  }

  /** Whether the view clock ran out (false in a classic round). */
  viewTimerExpired(): boolean {
    return this.viewClock !== null && this.hooks.clock.now() >= this.viewClock.deadline
  }

  /** Delivery probability for messages sent from now on. */
  setDeliveryProbability(p: number): void {
    this.live.setDeliveryProbability(p)
    this.record.log.push({ type: 'rate', p, at: this.elapsed() })
  }

  /**
   * Someone came or went: bots take over (or hand back) the pending seats they now play (or no
   * longer do); the seats humans play (online or away) get the idle bot's deadline.
   */
  reschedule(): void {
    if (this.done || this.stopped) return
    const idleAfter = this.hooks.timing.idleBotAfterMs()
    for (const seat of this.live.pending()) {
      const bot = this.playedBy(seat) === 'bot'
      if (bot && !this.botTimers.has(seat)) {
        this.botTimers.set(seat, this.timer(() => this.botTurn(seat), this.hooks.timing.botDelayMs(this.seatOf(seat))))
      } else if (!bot) {
        this.botTimers.cancel(seat)
      }
      if (bot || idleAfter === null) {
        this.idleTimers.cancel(seat)
      } else if (!this.idleTimers.has(seat)) {
        const due = this.phaseOpenedAt + idleAfter - this.hooks.clock.now()
        this.idleTimers.set(seat, this.timer(() => this.idleTurn(seat), due))
      }
    }
  }

  /** The idle bot's delay changed: the open phase's deadlines are set again from when it opened. */
  resetIdleTimers(): void {
    this.idleTimers.cancelAll()
    this.reschedule()
  }

  /** Cancels every timer: the round is aborted or the service is closing. */
  stop(): void {
    this.stopped = true
    this.cancelTimers()
    this.clockTimer?.cancel()
  }

  /** Closes the open phase and opens the next (or finishes), without telling anyone yet. */
  private advance(reason: CloseReason): void {
    this.cancelTimers()
    this.live.closePhase()
    this.record.log.push({ type: 'close', reason, at: this.elapsed() })
    this.enterPhase()
  }

  private enterPhase(): void {
    // A view change opens with the client's REQUEST to everyone: messages no act sent.
    this.indexNew()
    if (this.done) this.finish()
    else this.openPhase()
  }

  private openPhase(): void {
    const { clock, timing } = this.hooks
    const live = this.live
    const now = clock.now()
    this.phaseOpenedAt = now
    // A view's clock starts when the view opens: view 0 with the REQUEST, a later view once its
    // VIEW-CHANGEs are in (during the view change, the clock that ran out is the one shown).
    if (live.clientId !== null && this.viewClock?.view !== live.view && live.phase !== 'view-change') this.startViewClock(now)
    // The projector's client sends its REQUEST at once; every replica's REPLY is automatic.
    if (live.phase === 'request' && this.clientSeat === null) {
      for (const id of live.pending()) this.act(id, undefined, 'bot')
      this.advance('complete')
      return
    }
    if (live.phase === 'reply') {
      for (const id of live.pending()) this.act(id, undefined, 'bot')
      this.awaitResult()
      return
    }
    this.phaseDeadline = now + timing.phaseTimeoutMs
    this.phaseTimer = this.timer(() => this.phaseTimedOut(), timing.phaseTimeoutMs)
    this.reschedule()
    this.afterTurn()
  }

  private startViewClock(now: number): void {
    const durationMs = (this.record.viewTimeoutMs ?? DEFAULT_VIEW_TIMEOUT_MS) * this.live.timeoutFactor
    this.viewClock = { view: this.live.view, startedAt: now, durationMs, deadline: now + durationMs }
    // Phones show the timer running out (and then offer to ask for a new primary): tell them when.
    this.clockTimer?.cancel()
    this.clockTimer = this.timer(() => this.hooks.onChange({ kind: 'timer' }), durationMs)
  }

  /**
   * The REPLYs went out. Accepted, or with no view left, the round ends now; otherwise the
   * client waits until the view clock runs out, and the view change opens then.
   */
  private awaitResult(): void {
    this.cancelTimers()
    const clock = this.viewClock
    const lastView = this.live.view + 1 >= (this.record.maxViews ?? 1)
    if (clock === null || this.live.progress().clientAccepted || lastView) return this.advance('complete')
    const wait = clock.deadline - this.hooks.clock.now()
    if (wait <= 0) return this.advance('view-timeout')
    this.phaseDeadline = clock.deadline
    this.phaseTimer = this.timer(() => this.closePhase('view-timeout'), wait)
  }

  /** The phase's timeout: pending seats count as silent, except the client, whose REQUEST the projector then sends. */
  private phaseTimedOut(): void {
    this.phaseTimer = null
    const client = this.live.clientId
    if (this.live.phase === 'request' && client !== null && this.live.pending().includes(client)) {
      this.act(client, undefined, 'bot', this.holder(client).human ? 'idle' : undefined)
      return
    }
    this.closePhase('timeout')
  }

  /** Once nobody is pending, the phase closes after a short gap so people can see it complete. */
  private afterTurn(): void {
    if (this.live.isPhaseComplete() && this.gapTimer === null && !this.done) {
      this.gapTimer = this.timer(() => this.closePhase('complete'), this.hooks.timing.phaseGapMs)
    }
  }

  private botTurn(seat: number): void {
    this.botTimers.fired(seat)
    if (this.done || this.stopped || !this.live.pending().includes(seat)) return
    if (this.playedBy(seat) !== 'bot') return
    // Byzantine bots follow their fault kind: act() without a choice does exactly that. A
    // human's seat is played by a bot only while they are away with bot takeover on.
    this.act(seat, undefined, 'bot', this.holder(seat).human ? 'away' : undefined)
  }

  /** The human playing `seat` did not act in time: a bot plays their move, and says so. */
  private idleTurn(seat: number): void {
    this.idleTimers.fired(seat)
    if (this.done || this.stopped || !this.live.pending().includes(seat)) return
    if (this.playedBy(seat) === 'bot') return
    this.act(seat, undefined, 'bot', 'idle')
  }

  /** The seat that plays participant `id`: itself, or for the client its seat (the projector: none, a bot). */
  private seatOf(id: number): number {
    return id === this.live.clientId ? (this.clientSeat ?? id) : id
  }

  private playedBy(id: number): PlayedBy {
    if (id === this.live.clientId && this.clientSeat === null) return 'bot'
    return this.hooks.playedBy(this.seatOf(id))
  }

  private holder(id: number): SeatHolder {
    if (id === this.live.clientId && this.clientSeat === null) return { human: false, name: null }
    return this.hooks.holder(this.seatOf(id))
  }

  private finish(): void {
    this.cancelTimers()
    this.clockTimer?.cancel()
    this.phaseDeadline = null
    this.hooks.onChange({ kind: 'finished', result: this.live.result() })
  }

  /** Files the trace's messages not filed yet under their sender and (unless dropped) recipient. */
  private indexNew(): void {
    const trace = this.live.trace
    for (; this.indexed < trace.length; this.indexed++) {
      const message = trace[this.indexed]
      if (message === undefined) continue
      this.sentBy[message.from]?.push(message.index)
      if (message.status !== 'dropped') this.receivedBy[message.to]?.push(message.index)
    }
  }

  private timer(callback: () => void, ms: number): Timer {
    return this.hooks.clock.setTimer(() => {
      try {
        callback()
      } catch (error) {
        this.hooks.onError(error)
      }
    }, ms)
  }

  private cancelTimers(): void {
    this.phaseTimer?.cancel()
    this.phaseTimer = null
    this.gapTimer?.cancel()
    this.gapTimer = null
    this.botTimers.cancelAll()
    this.idleTimers.cancelAll()
  }

  private elapsed(): number {
    return Math.max(0, this.hooks.clock.now() - this.record.startedAt)
  }
}
