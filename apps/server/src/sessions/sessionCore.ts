import { parseSessionDocument, type HostView, type ReplicaView } from '@pbft/protocol'
import { BatchLimiter } from './batchExperiment'
import { systemClock, type Clock } from './clock'
import { asSessionError, SessionError, UnknownSessionError } from './errors'
import type { RoundChange } from './roundRunner'
import { RoundTraces } from './roundTraces'
import { SaveQueue } from './saveQueue'
import { CONSOLE_LOG, type SeatCredential, type SessionServiceOptions } from './serviceOptions'
import { Session, type SessionEnv } from './session'
import { DEFAULT_LIFETIME, SessionCatalog } from './sessionCatalog'
import { NO_SINK, type SessionSink } from './sink'
import { serialiseSessionDocument } from '../store/serialisedSession'
import { tokenMatches } from './tokens'
import { hostView, replicaView } from './views'
import { ViewPublisher } from './viewPublisher'

/**
 * What every session command stands on (SessionService adds the commands): which sessions
 * exist and are in memory (SessionCatalog), who may call (host and seat tokens), durable
 * saves, and the views each change owes its audiences (coalesced by the view publisher).
 */
export abstract class SessionCore {
  protected readonly catalog: SessionCatalog
  protected readonly clock: Clock
  /** Where what each audience may see goes (the socket server's rooms; a recorder in tests). */
  protected readonly sink: SessionSink
  protected readonly publisher: ViewPublisher
  protected readonly saves: SaveQueue
  protected readonly log: NonNullable<SessionServiceOptions['log']>
  protected readonly env: SessionEnv
  protected closed = false
  protected readonly batches = new BatchLimiter()
  protected readonly traces: RoundTraces

  protected constructor(protected readonly options: SessionServiceOptions) {
    this.clock = options.clock ?? systemClock
    this.sink = options.sink ?? NO_SINK
    this.log = options.log ?? CONSOLE_LOG
    const interval = options.viewIntervalMs ?? 80
    this.publisher = new ViewPublisher(
      this.clock,
      (session) => Math.max(interval, session.nodeCount),
      this.sink,
      (id) => this.sessions.get(id),
      (error) => this.log.error(`session views failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    )
    this.traces = new RoundTraces(options.roundTraces)
    this.saves = new SaveQueue((id) => this.save(id), options.relaxedSaveMs ?? 250)
    this.env = {
      clock: this.clock,
      roundChanged: (session, change) => this.roundChanged(session, change),
      onError: (error) => this.log.error(`session timer failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    }
    this.catalog = new SessionCatalog(options.store, this.clock, { ...DEFAULT_LIFETIME, ...options.lifetime }, {
      open: (document, replayed) => {
        const session = new Session(document, this.env, replayed)
        session.resume()
        return session
      },
      close: (session) => this.forget(session),
      log: this.log,
    })
  }

  /** The sessions in memory. */
  protected get sessions(): Map<string, Session> {
    return this.catalog.live
  }

  /**
   * Makes a stored session ready to use (reads its document the first time); transports call
   * it before `get`. Resolves false for a session that does not exist.
   */
  ensure(sessionId: string): Promise<boolean> {
    return this.catalog.ensure(sessionId)
  }

  /** Stored sessions, in memory or not. */
  get storedCount(): number {
    return this.catalog.storedCount
  }

  /** Deletes sessions idle for longer than the TTL now (it also happens hourly); returns how many. */
  expireIdle(): Promise<number> {
    return this.catalog.expireIdle()
  }

  get size(): number {
    return this.sessions.size
  }

  /** Stored sessions that could not be loaded, and what the store reports (see /api/health). */
  problems(): string[] {
    return [...(this.options.store.problems?.() ?? []), ...this.catalog.problems]
  }

  // ---- cluster hooks (ownership moves between processes; see cluster/ownership.ts) -------

  /** Whether this process holds the session (any case). */
  has(sessionId: string): boolean {
    return this.sessions.has(sessionId.toUpperCase())
  }

  /** The ids of the sessions this process holds. */
  ids(): string[] {
    return [...this.sessions.keys()]
  }

  /**
   * Takes over a stored session (its previous owner is gone): parses and migrates the document,
   * rebuilds the round from its action log and restarts its timers. Throws for a bad document.
   */
  adopt(raw: unknown): Session {
    this.checkOpen()
    const session = new Session(parseSessionDocument(raw), this.env)
    const existing = this.sessions.get(session.id)
    if (existing) return existing
    this.catalog.add(session)
    session.resume()
    this.publisher.all(session.id)
    return session
  }

  /** Lets go of a session another process now owns: timers stop, nothing more is saved or emitted. */
  release(sessionId: string): void {
    const session = this.sessions.get(sessionId)
    if (!session) return
    session.stop()
    this.catalog.remove(sessionId)
    this.publisher.forget(sessionId)
  }

  /** The session with this (case-insensitive) code, or 404 NOT_FOUND. */
  get(sessionId: string): Session {
    const session = this.sessions.get(sessionId.toUpperCase())
    if (!session) throw new UnknownSessionError(sessionId.slice(0, 64))
    return session
  }

  /** 401 without a token, 403 with a wrong one. */
  checkHost(sessionId: string, token: string | undefined): Session {
    const session = this.get(sessionId)
    if (token === undefined || token === '') throw new SessionError('UNAUTHORIZED', 'this needs the host token (Authorization: Bearer <hostToken>)')
    if (!tokenMatches(token, session.hostTokenHash)) throw new SessionError('FORBIDDEN', 'wrong host token for this session')
    return session
  }

  /** The seat a seat token holds (403 when revoked or from another session). */
  seatForToken(sessionId: string, token: string): SeatCredential {
    const session = this.get(sessionId)
    const seat = session.seatByToken(token)
    if (!seat?.tokenHash) throw new SessionError('FORBIDDEN', 'this seat token holds no seat in this session (kicked, or from another session)')
    return { nodeId: seat.id, tokenHash: seat.tokenHash }
  }

  /** A deleted or expired session: its timers stop and its sockets are told it is gone. */
  protected forget(session: Session): void {
    session.stop()
    this.publisher.forget(session.id)
    this.sink.sessionClosed(session.id)
  }

  /**
   * Waits until the session's document (with the change just made) is durable. When the store
   * fails, `undo` reverts what can be reverted, and the caller gets STORAGE (503) saying so, never
   * a silent success; a move already played stays live (others saw it) but is reported unsaved.
   */
  protected async durably(session: Session, undo?: () => void): Promise<void> {
    try {
      await this.saves.request(session.id, true)
    } catch (error) {
      this.saveFailed(session.id, error)
      undo?.()
      const reason = error instanceof Error ? error.message : String(error)
      const what = undo ? 'the change was undone' : 'it is live but may be lost if the server restarts'
      throw new SessionError('STORAGE', `the server could not save session ${session.id} (${reason}); ${what}`)
    }
  }

  // ---- views and history ------------------------------------------------------------------

  replicaView(sessionId: string, nodeId: number): ReplicaView {
    return replicaView(this.get(sessionId), nodeId)
  }

  /** The whole host view (a newly connected dashboard gets the full trace). */
  hostView(sessionId: string): HostView {
    return hostView(this.get(sessionId), 0)
  }

  /** Stops every timer and waits for pending saves (the store is closed by its owner). */
  async close(): Promise<void> {
    this.closed = true
    this.catalog.stop()
    for (const session of this.sessions.values()) session.stop()
    this.publisher.close()
    await this.saves.flush()
  }

  /** Waits for every pending save (tests, shutdown). */
  flushSaves(): Promise<void> {
    return this.saves.flush()
  }

  /** Emits every dirty view now rather than at the next interval (a host joining; tests). */
  flushViews(sessionId: string): void {
    this.publisher.flush(sessionId.toUpperCase())
  }

  // ---- internals --------------------------------------------------------------------------

  protected seatSession(sessionId: string, credential: SeatCredential): Session {
    const session = this.get(sessionId)
    session.checkSeat(credential.nodeId, credential.tokenHash)
    return session
  }

  protected roundChanged(session: Session, change: RoundChange): void {
    if (this.closed || this.sessions.get(session.id) !== session) return
    switch (change.kind) {
      case 'messages': {
        // The sender's view and the views of everyone something reached; dropped mail changes nothing.
        const touched = new Set<number>([change.from])
        for (const message of change.messages) if (message.status !== 'dropped') touched.add(message.to)
        // The client (id N) is shown on the phone of the seat that plays it, if any.
        const client = session.run?.live.clientId
        if (client != null && touched.delete(client) && session.run?.clientSeat != null) touched.add(session.run.clientSeat)
        // Public info (phase, seats) does not change with a message; only phases and seats do.
        this.publisher.host(session.id)
        this.publisher.seats(session.id, touched)
        void this.saves.request(session.id, false).catch((error: unknown) => this.saveFailed(session.id, error))
        break
      }
      case 'phase':
        // A phase opening is what people wait for (their turn to act): it is sent at once,
        // not coalesced. Messages, the flood, keep the interval.
        this.publisher.all(session.id)
        this.publisher.flush(session.id)
        void this.saves.request(session.id, false).catch((error: unknown) => this.saveFailed(session.id, error))
        break
      case 'timer':
        this.publisher.all(session.id)
        this.publisher.flush(session.id)
        break
      case 'finished': {
        this.publisher.all(session.id)
        this.publisher.flush(session.id)
        const outcome = session.outcome
        if (outcome) this.sink.roundOutcome(session.id, outcome)
        void this.saves.request(session.id, true).catch((error: unknown) => this.saveFailed(session.id, error))
        break
      }
    }
  }

  /** Seat or settings changed: the public info, the host and the named seats. */
  protected changed(session: Session, seats: number[] | 'all'): void {
    this.publisher.info(session.id)
    this.publisher.host(session.id)
    this.publisher.seats(session.id, seats)
  }

  protected async save(sessionId: string): Promise<void> {
    const session = this.sessions.get(sessionId)
    // Deleted meanwhile: saving now would bring it back.
    if (!session) return
    await this.options.store.saveSession(sessionId, serialiseSessionDocument(session.document()))
    this.catalog.touched(session)
  }

  protected saveFailed(sessionId: string, error: unknown): void {
    this.log.error(`could not save session ${sessionId}: ${error instanceof Error ? error.message : String(error)}`)
  }

  /** Runs a call into the engine, turning its refusals into session errors. */
  protected engine<T>(call: () => T): T {
    try {
      return call()
    } catch (error) {
      throw asSessionError(error)
    }
  }

  protected checkOpen(): void {
    if (this.closed) throw new SessionError('BUSY', 'the server is shutting down')
  }
}
