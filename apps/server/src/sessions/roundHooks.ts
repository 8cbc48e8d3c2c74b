import type { RoundResult, TracedMessage } from '@pbft/engine'
import type { PlayedBy } from '@pbft/protocol'
import type { Clock, Timer } from './clock'

/** What a RoundRunner needs from its session, and what it tells it. */

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
  /** The view clock ran out: the views show it (nothing else changed). */
  | { kind: 'timer' }
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

/** The clock of the view being played (rounds with views): see ViewTimer in the protocol. */
export interface ViewClock {
  view: number
  startedAt: number
  durationMs: number
  deadline: number
}

/** Timers by seat, cancelled one by one or all at once. */
export class SeatTimers {
  private readonly timers = new Map<number, Timer>()

  has(seat: number): boolean {
    return this.timers.has(seat)
  }

  set(seat: number, timer: Timer): void {
    this.timers.set(seat, timer)
  }

  /** Forgets a timer that fired. */
  fired(seat: number): void {
    this.timers.delete(seat)
  }

  cancel(seat: number): void {
    this.timers.get(seat)?.cancel()
    this.timers.delete(seat)
  }

  cancelAll(): void {
    for (const timer of this.timers.values()) timer.cancel()
    this.timers.clear()
  }
}
