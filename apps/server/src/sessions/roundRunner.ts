import { LiveRound, type ByzantineChoice as EngineChoice, type RoundResult, type TracedMessage } from '@pbft/engine'
import { standInsOf, type BotStandIn, type ByzantineChoice, type CloseReason, type LiveRoundRecord, type PlayedBy, type RoundLogEntry, type StandInReason } from '@pbft/protocol'
import type { Clock, Timer } from './clock'

export interface RoundTiming {
  phaseTimeoutMs: number
  phaseGapMs: number
  /** When bot `seat` acts after its turn came (pacing + stagger). */
  botDelayMs(seat: number): number
  /**
   * A bot plays a human's pending seat this long after the phase opened (the session's
   * `idleBotAfterMs`, read when timers are set: the host may change it); null: never.
   */
  idleBotAfterMs(): number | null
}

/** Who holds a seat: a human (by name, if they gave one) or a bot. */
export interface SeatHolder {
  human: boolean
  name: string | null
}

/** What changed, so the views of the right audiences are rebuilt. */
export type RoundChange =
  | { kind: 'messages'; from: number; messages: readonly TracedMessage[] }
  | { kind: 'phase' }
  | { kind: 'finished'; result: RoundResult }

export interface RoundRunnerHooks {
  clock: Clock
  timing: RoundTiming
  /** Who plays a seat right now; bots act only for seats they play. */
  playedBy(seat: number): PlayedBy
  /** Who holds the seat: a bot's move for a human's seat is logged as a stand-in. */
  holder(seat: number): SeatHolder
  onChange(change: RoundChange): void
  /** Errors of timer callbacks (a bug, never a client's mistake): logged, never thrown at the loop. */
  onError(error: unknown): void
}

/** The engine takes numeric recipient ids; JSON objects carry them as keys. */
function engineChoice(choice: ByzantineChoice | undefined): EngineChoice | undefined {
  if (choice === undefined) return undefined
  const { value, values, tamper } = choice
  const out: EngineChoice = {}
  if (value !== undefined) out.value = value
  if (values !== undefined) out.values = Object.fromEntries(Object.entries(values).map(([to, v]) => [Number(to), v]))
  if (tamper !== undefined) out.tamper = tamper
  return out
}

/** Builds the round's LiveRound from its record (the log not applied). */
export function liveRoundOf(record: LiveRoundRecord): LiveRound {
  return new LiveRound({
    config: {
      nodes: record.faults.length,
      p: record.p,
      faults: record.faults,
      proposal: record.proposal,
      authentication: record.authentication,
      quorumRule: record.quorumRule,
    },
    seed: record.seed,
  })
}

/** Applies one logged call to a LiveRound (restores and replays use this, so both agree with the live run). */
export function applyEntry(live: LiveRound, entry: RoundLogEntry): readonly TracedMessage[] {
  switch (entry.type) {
    case 'act':
      return live.act(entry.replica, engineChoice(entry.choice))
    case 'skip':
      live.skip(entry.replica)
      return []
    case 'close':
      live.closePhase()
      return []
    case 'rate':
      live.setDeliveryProbability(entry.p)
      return []
  }
}

/** Replays a round's log: the LiveRound as it was after the last logged call. */
export function replay(record: LiveRoundRecord): LiveRound {
  const live = liveRoundOf(record)
  for (const entry of record.log) applyEntry(live, entry)
  return live
}

/**
 * Drives one live round in real (or fake) time: bots act after their pacing delay, a phase
 * closes once nobody is pending (after a short gap) or when its timeout expires, and every call
 * on the LiveRound is appended to the round's log, which is what gets persisted. The protocol
 * itself stays in the LiveRound; this only decides *when* things happen.
 *
 * Humans who do not act: with the session's idle bot on, a bot plays a human's pending seat
 * `idleBotAfterMs` after the phase opened (online or away alike) and the log says so
 * (`standIn`), so that the projector, the phone and replays can tell the class.
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
  private phaseTimer: Timer | null = null
  private gapTimer: Timer | null = null
  private readonly botTimers = new Map<number, Timer>()
  /** Seats whose human has until then to act before the idle bot plays for them. */
  private readonly idleTimers = new Map<number, Timer>()
  private phaseOpenedAt = 0
  private stopped = false

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
    for (const message of this.live.trace) this.index(message)
    this.standIns = standInsOf(record.log)
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

  /** Replica `seat` sends its messages of this phase now; `standIn`: a bot plays for the seat's human. */
  act(seat: number, choice: ByzantineChoice | undefined, by: 'human' | 'bot', standIn?: StandInReason): readonly TracedMessage[] {
    const phase = this.live.phase
    const messages = this.live.act(seat, engineChoice(choice))
    const entry: Extract<RoundLogEntry, { type: 'act' }> = { type: 'act', replica: seat, by, at: this.elapsed() }
    if (choice !== undefined) entry.choice = choice
    if (standIn !== undefined && phase !== 'done') {
      entry.standIn = { reason: standIn, name: this.hooks.holder(seat).name }
      this.standIns.push({ nodeId: seat, phase, at: entry.at, ...entry.standIn })
    }
    this.record.log.push(entry)
    this.cancelBot(seat)
    this.cancelIdle(seat)
    for (const message of messages) this.index(message)
    this.hooks.onChange({ kind: 'messages', from: seat, messages })
    this.afterTurn()
    return messages
  }

  /** Replica `seat` stays silent this phase. */
  skip(seat: number, by: 'human' | 'bot'): void {
    this.live.skip(seat)
    this.record.log.push({ type: 'skip', replica: seat, by, at: this.elapsed() })
    this.cancelBot(seat)
    this.cancelIdle(seat)
    this.hooks.onChange({ kind: 'messages', from: seat, messages: [] })
    this.afterTurn()
  }

  /** Closes the open phase now (pending replicas count as silent) and opens the next. */
  closePhase(reason: CloseReason): void {
    if (this.done || this.stopped) return
    this.cancelTimers()
    this.live.closePhase()
    this.record.log.push({ type: 'close', reason, at: this.elapsed() })
    if (this.done) {
      this.finish()
      return
    }
    this.openPhase()
    // After opening: the views this change sends carry the new phase's deadline.
    this.hooks.onChange({ kind: 'phase' })
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
      const bot = this.hooks.playedBy(seat) === 'bot'
      if (bot && !this.botTimers.has(seat)) {
        this.botTimers.set(seat, this.timer(() => this.botTurn(seat), this.hooks.timing.botDelayMs(seat)))
      } else if (!bot) {
        this.cancelBot(seat)
      }
      if (bot || idleAfter === null) {
        this.cancelIdle(seat)
      } else if (!this.idleTimers.has(seat)) {
        const due = this.phaseOpenedAt + idleAfter - this.hooks.clock.now()
        this.idleTimers.set(seat, this.timer(() => this.idleTurn(seat), due))
      }
    }
  }

  /** The idle bot's delay changed: the open phase's deadlines are set again from when it opened. */
  resetIdleTimers(): void {
    for (const timer of this.idleTimers.values()) timer.cancel()
    this.idleTimers.clear()
    this.reschedule()
  }

  /** Cancels every timer: the round is aborted or the service is closing. */
  stop(): void {
    this.stopped = true
    this.cancelTimers()
  }

  private openPhase(): void {
    const { clock, timing } = this.hooks
    this.phaseOpenedAt = clock.now()
    this.phaseDeadline = clock.now() + timing.phaseTimeoutMs
    this.phaseTimer = this.timer(() => this.closePhase('timeout'), timing.phaseTimeoutMs)
    this.reschedule()
    this.afterTurn()
  }

  /** Once nobody is pending, the phase closes after a short gap so people can see it complete. */
  private afterTurn(): void {
    if (this.live.isPhaseComplete() && this.gapTimer === null && !this.done) {
      this.gapTimer = this.timer(() => this.closePhase('complete'), this.hooks.timing.phaseGapMs)
    }
  }

  private botTurn(seat: number): void {
    this.botTimers.delete(seat)
    if (this.done || this.stopped || !this.live.pending().includes(seat)) return
    if (this.hooks.playedBy(seat) !== 'bot') return
    // Byzantine bots follow their fault kind: act() without a choice does exactly that. A
    // human's seat is played by a bot only while they are away with bot takeover on.
    this.act(seat, undefined, 'bot', this.hooks.holder(seat).human ? 'away' : undefined)
  }

  /** The human playing `seat` did not act in time: a bot plays their move, and says so. */
  private idleTurn(seat: number): void {
    this.idleTimers.delete(seat)
    if (this.done || this.stopped || !this.live.pending().includes(seat)) return
    if (this.hooks.playedBy(seat) === 'bot') return
    this.act(seat, undefined, 'bot', 'idle')
  }

  private finish(): void {
    this.cancelTimers()
    this.phaseDeadline = null
    this.hooks.onChange({ kind: 'finished', result: this.live.result() })
  }

  private index(message: TracedMessage): void {
    this.sentBy[message.from]?.push(message.index)
    if (message.status !== 'dropped') this.receivedBy[message.to]?.push(message.index)
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

  private cancelBot(seat: number): void {
    this.botTimers.get(seat)?.cancel()
    this.botTimers.delete(seat)
  }

  private cancelIdle(seat: number): void {
    this.idleTimers.get(seat)?.cancel()
    this.idleTimers.delete(seat)
  }

  private cancelTimers(): void {
    this.phaseTimer?.cancel()
    this.phaseTimer = null
    this.gapTimer?.cancel()
    this.gapTimer = null
    for (const timer of this.botTimers.values()) timer.cancel()
    this.botTimers.clear()
    for (const timer of this.idleTimers.values()) timer.cancel()
    this.idleTimers.clear()
  }

  private elapsed(): number {
    return Math.max(0, this.hooks.clock.now() - this.record.startedAt)
  }
}
