import type { Clock, Timer } from './clock'
import type { Session } from './session'
import type { SessionSink } from './sink'
import { hostView, replicaView, sessionInfo } from './views'

interface Pending {
  info: boolean
  host: boolean
  seats: Set<number> | 'all'
  timer: Timer | null
  lastFlush: number
  /** The host rooms hold the trace of `round` up to `sent` messages. */
  hostTrace: { round: number | null; sent: number }
}

/**
 * Coalesces view updates: changes only mark audiences dirty, and each session's dirty views
 * are built and emitted at most once per interval. A round at N = 100 sends ~20,000 messages;
 * emitting per message to every phone would be millions of packets, this is a few per second.
 * The host's trace travels as a delta (new messages only); phones get their whole (small) view.
 */
export class ViewPublisher {
  private readonly pending = new Map<string, Pending>()

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: (session: Session) => number,
    private readonly sink: SessionSink,
    private readonly lookup: (sessionId: string) => Session | undefined,
    /** A view that cannot be built is a bug: it is logged, and must never take the process down. */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  info(sessionId: string): void {
    this.mark(sessionId).info = true
  }

  host(sessionId: string): void {
    this.mark(sessionId).host = true
  }

  seats(sessionId: string, nodeIds: Iterable<number> | 'all'): void {
    const pending = this.mark(sessionId)
    if (pending.seats === 'all') return
    if (nodeIds === 'all') pending.seats = 'all'
    else for (const id of nodeIds) pending.seats.add(id)
  }

  /** Everything about the session changed (a phase, a round, a reset). */
  all(sessionId: string): void {
    this.info(sessionId)
    this.host(sessionId)
    this.seats(sessionId, 'all')
  }

  /** Emits what is dirty now, without waiting for the interval (a round just finished). */
  flush(sessionId: string): void {
    const pending = this.pending.get(sessionId)
    const session = this.lookup(sessionId)
    if (!pending || !session) return
    pending.timer?.cancel()
    pending.timer = null
    pending.lastFlush = this.clock.now()
    if (pending.info) this.sink.sessionInfo(sessionId, sessionInfo(session))
    if (pending.host) {
      const round = session.run?.record.round ?? null
      const from = pending.hostTrace.round === round ? pending.hostTrace.sent : 0
      const view = hostView(session, from)
      pending.hostTrace = { round, sent: view.trace.total }
      this.sink.hostView(sessionId, view)
    }
    const seats = pending.seats === 'all' ? session.seats.map((seat) => seat.id) : [...pending.seats]
    // Only phones that are connected get a view; a reconnecting one is sent its view on connect.
    for (const id of seats) if (session.isOnline(id)) this.sink.replicaView(sessionId, id, replicaView(session, id))
    pending.info = false
    pending.host = false
    pending.seats = new Set()
  }

  forget(sessionId: string): void {
    this.pending.get(sessionId)?.timer?.cancel()
    this.pending.delete(sessionId)
  }

  close(): void {
    for (const id of [...this.pending.keys()]) this.forget(id)
  }

  private mark(sessionId: string): Pending {
    let pending = this.pending.get(sessionId)
    if (!pending) {
      pending = { info: false, host: false, seats: new Set(), timer: null, lastFlush: -Infinity, hostTrace: { round: null, sent: 0 } }
      this.pending.set(sessionId, pending)
    }
    const session = this.lookup(sessionId)
    if (pending.timer === null && session) {
      // Leading edge after a quiet spell, then at most one flush per interval.
      const wait = Math.max(0, pending.lastFlush + this.intervalMs(session) - this.clock.now())
      pending.timer = this.clock.setTimer(() => {
        try {
          this.flush(sessionId)
        } catch (error) {
          this.onError(error)
        }
      }, wait)
    }
    return pending
  }
}
