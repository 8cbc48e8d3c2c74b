import type { Clock, Timer } from './clock'
import type { Session } from './session'
import type { SessionSink } from './sink'
import { hostView, replicaView, sessionInfo, type ReplicaListsSent } from './views'

interface Pending {
  info: boolean
  host: boolean
  seats: Set<number> | 'all'
  timer: Timer | null
  lastFlush: number
  /** The host rooms hold the trace of `round` up to `sent` messages. */
  hostTrace: { round: number | null; sent: number }
  /** How much of `run`'s message lists each seat room was sent (the next view is a delta from there). */
  seatLists: { run: object | null; sent: Map<number, ReplicaListsSent> }
  /** What a flush still has to send, in later slices of the event loop: the info, the host's view, phones' views. */
  outgoing: { info: boolean; host: boolean; seats: Set<number> }
  continuation: ReturnType<typeof setImmediate> | null
}

/** How a flush spreads its emits over the event loop. */
export interface Slicing {
  /** Sessions up to this size send everything at once, synchronously (it takes well under a millisecond). */
  syncUpToNodes: number
  /** Bigger ones yield to the event loop once a slice is older than this (each emit, ~0.1–4 ms, is whole). */
  budgetMs: number
}

const DEFAULT_SLICING: Slicing = { syncUpToNodes: 16, budgetMs: 3 }

/** One turn of the event loop's worth of sending. */
interface Slice {
  sent: number
  late(): boolean
}

/**
 * Coalesces view updates: changes only mark audiences dirty, and each session's dirty views
 * are built and emitted at most once per interval. A round at N = 100 sends ~20,000 messages;
 * emitting per message to every phone would be millions of packets, this is a few per second.
 * The host's trace and each phone's message lists travel as deltas (new messages only), and
 * a big session's emits go out in slices of a few milliseconds, so the event loop keeps
 * answering acts while a phase's hundred views are sent.
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
    private readonly slicing: Slicing = DEFAULT_SLICING,
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
    const outgoing = pending.outgoing
    outgoing.info ||= pending.info
    outgoing.host ||= pending.host
    const seats = pending.seats === 'all' ? session.seats.map((seat) => seat.id) : pending.seats
    for (const id of seats) outgoing.seats.add(id)
    pending.info = false
    pending.host = false
    pending.seats = new Set()
    this.send(sessionId, pending)
  }

  forget(sessionId: string): void {
    const pending = this.pending.get(sessionId)
    pending?.timer?.cancel()
    if (pending?.continuation) clearImmediate(pending.continuation)
    this.pending.delete(sessionId)
  }

  /**
   * Sends what is outgoing, a slice at a time: the info, then the host's view, then the phones'
   * views. Each is built when sent, so it is the newest; a big session yields to the event loop
   * between slices, so acts and timers are served in between.
   */
  private send(sessionId: string, pending: Pending): void {
    if (pending.continuation) clearImmediate(pending.continuation)
    pending.continuation = null
    const session = this.lookup(sessionId)
    if (!session || this.pending.get(sessionId) !== pending) return
    const outgoing = pending.outgoing
    const started = performance.now()
    const sliced = session.nodeCount > this.slicing.syncUpToNodes
    // Every slice sends at least one thing, so a flush always progresses.
    const slice: Slice = {
      sent: 0,
      late: () => sliced && slice.sent > 0 && performance.now() - started > this.slicing.budgetMs,
    }
    if (outgoing.info) {
      outgoing.info = false
      this.sink.sessionInfo(sessionId, sessionInfo(session))
      slice.sent++
    }
    if (outgoing.host && !slice.late()) {
      outgoing.host = false
      this.sendHostView(sessionId, session, pending)
      slice.sent++
    }
    if (!outgoing.host) this.sendSeatViews(sessionId, session, pending, slice)
    if (outgoing.host || outgoing.seats.size > 0) {
      pending.continuation = setImmediate(() => {
        try {
          this.send(sessionId, pending)
        } catch (error) {
          this.onError(error)
        }
      })
    }
  }

  private sendHostView(sessionId: string, session: Session, pending: Pending): void {
    const round = session.run?.record.round ?? null
    const from = pending.hostTrace.round === round ? pending.hostTrace.sent : 0
    const view = hostView(session, from)
    pending.hostTrace = { round, sent: view.trace.total }
    this.sink.hostView(sessionId, view)
  }

  /** Phones' views, until the slice is late. */
  private sendSeatViews(sessionId: string, session: Session, pending: Pending, slice: Slice): void {
    const lists = pending.seatLists
    if (lists.run !== (session.run ?? null)) {
      lists.run = session.run ?? null
      lists.sent.clear()
    }
    const seats = pending.outgoing.seats
    for (const id of seats) {
      if (slice.late()) break
      seats.delete(id)
      // Only phones that are connected get a view; a reconnecting one is sent its whole view on connect.
      if (!session.isOnline(id)) continue
      const view = replicaView(session, id, lists.sent.get(id))
      lists.sent.set(id, { received: view.receivedFrom + view.received.length, sent: view.sentFrom + view.sent.length })
      this.sink.replicaView(sessionId, id, view)
      slice.sent++
    }
  }

  close(): void {
    for (const id of [...this.pending.keys()]) this.forget(id)
  }

  private mark(sessionId: string): Pending {
    let pending = this.pending.get(sessionId)
    if (!pending) {
      pending = {
        info: false,
        host: false,
        seats: new Set(),
        timer: null,
        lastFlush: -Infinity,
        hostTrace: { round: null, sent: 0 },
        seatLists: { run: null, sent: new Map() },
        outgoing: { info: false, host: false, seats: new Set() },
        continuation: null,
      }
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
