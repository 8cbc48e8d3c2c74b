import type { Clock, Timer } from '../../src/sessions/clock'

interface Scheduled {
  at: number
  seq: number
  callback: () => void
  cancelled: boolean
}

/** A clock that only moves when told to: timers fire in time order inside `advance`. */
export class FakeClock implements Clock {
  private time = 1_700_000_000_000
  private seq = 0
  private timers: Scheduled[] = []

  now(): number {
    return this.time
  }

  setTimer(callback: () => void, ms: number): Timer {
    const timer: Scheduled = { at: this.time + Math.max(0, ms), seq: this.seq++, callback, cancelled: false }
    this.timers.push(timer)
    return { cancel: () => void (timer.cancelled = true) }
  }

  /** Moves time forward by `ms`, firing every timer due on the way (including ones they set). */
  advance(ms: number): void {
    const end = this.time + ms
    for (;;) {
      this.timers = this.timers.filter((timer) => !timer.cancelled)
      const next = this.timers.reduce<Scheduled | null>(
        (best, timer) => (timer.at <= end && (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) ? timer : best),
        null,
      )
      if (!next) break
      this.time = Math.max(this.time, next.at)
      next.cancelled = true
      next.callback()
    }
    this.time = end
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.timers.filter((timer) => !timer.cancelled).length
  }
}
