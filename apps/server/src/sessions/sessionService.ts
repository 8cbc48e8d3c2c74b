import {
  parseSessionDocument,
  type AssignNodeResponse,
  type ByzantineChoice,
  type CreateSessionInput,
  type FaultKind,
  type HostView,
  type LivePhase,
  type ReplicaView,
  type SessionDocument,
} from '@pbft/protocol'
import { DEFAULT_LOOKUPS_PER_CLIENT, LookupLimiter, type LookupsPerClientLimit } from '../http/clientLimits'
import type { SessionStore } from '../store/sessionStore'
import { BatchLimiter, runBatchExperiment, type BatchResult } from './batchExperiment'
import { systemClock, type Clock } from './clock'
import { asSessionError, SessionError, UnknownSessionError } from './errors'
import type { RoundChange } from './roundRunner'
import { RoundTraces, type RoundTraceLimits } from './roundTraces'
import { SaveQueue } from './saveQueue'
import { Session, type SessionEnv } from './session'
import { DEFAULT_LIFETIME, SessionCatalog, type SessionLifetime } from './sessionCatalog'
import { newSessionId, newRoundSeed } from './sessionId'
import { botSeats } from './seats'
import { newSessionConfig } from './sessionConfig'
import { NO_SINK, type SessionSink } from './sink'
import { hashToken, newToken, tokenMatches } from './tokens'
import { hostView, replicaView } from './views'
import { ViewPublisher } from './viewPublisher'

export interface SessionServiceOptions {
  store: SessionStore
  clock?: Clock
  sink?: SessionSink
  /**
   * Least time between two view emissions to one session's audiences (default 80 ms); sessions
   * of N replicas use at least N ms, so a 100-replica round sends each phone ~10 views a second
   * (2·N was measured too: no better act latency, the views are not what delays acks).
   */
  viewIntervalMs?: number
  /** How long a bot's move may wait to be saved (default 250 ms); humans' moves are saved at once. */
  relaxedSaveMs?: number
  log?: { info(message: string): void; warn(message: string): void; error(message: string): void }
  /** Round seeds (default: crypto-random). */
  newSeed?: () => number
  /** Sessions one client address may create per window (http/clientLimits.ts; default 20 per 10 min); null: no limit. */
  sessionsPerClient?: { maxSessions: number; windowMs: number } | null
  /** Unknown session codes one client address may look up (http/clientLimits.ts; default a burst of 30, then 1/s); null: no limit. */
  lookupsPerClient?: LookupsPerClientLimit | null
  /**
   * Cluster mode (see cluster/cluster.ts): this process holds only the sessions it owns. `open`
   * then loads nothing (the cluster adopts sessions one by one), and `create` reserves each
   * new id with `claim` (false: another process has it, pick another).
   */
  ownership?: SessionOwnership
  /** How long idle sessions are kept and how many may be stored (SESSION_TTL_DAYS, MAX_SESSIONS). */
  lifetime?: Partial<SessionLifetime>
  /** Limits of `history?round=r` replays (cache size, per-client and server-wide concurrency). */
  roundTraces?: RoundTraceLimits
}

/** How a cluster reserves the id of a session created here (its lease). */
export interface SessionOwnership {
  claim(id: string): Promise<boolean>
}

/** Who a seat call comes from: the seat and the hash of the token presented for it. */
export interface SeatCredential {
  nodeId: number
  tokenHash: string
}

const CONSOLE_LOG = {
  info: (message: string) => console.info(message),
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
}

/**
 * The classroom sessions: creation, seats, live rounds with humans and bots, views, history
 * and persistence. Transports (REST routes, the socket gateway) parse input and check who
 * is calling, then call one method here; everything an audience may see leaves through the
 * sink, coalesced by the view publisher.
 */
export class SessionService {
  private readonly catalog: SessionCatalog
  private readonly clock: Clock
  private sink: SessionSink
  private readonly publisher: ViewPublisher
  private readonly saves: SaveQueue
  private readonly log: NonNullable<SessionServiceOptions['log']>
  private readonly env: SessionEnv
  private closed = false
  private readonly batches = new BatchLimiter()
  private readonly traces: RoundTraces
  /** Misses per client address: REST routes and socket handshakes share it. */
  readonly lookups: LookupLimiter

  private constructor(private readonly options: SessionServiceOptions) {
    this.clock = options.clock ?? systemClock
    this.sink = options.sink ?? NO_SINK
    this.log = options.log ?? CONSOLE_LOG
    const interval = options.viewIntervalMs ?? 80
    this.publisher = new ViewPublisher(
      this.clock,
      (session) => Math.max(interval, session.nodeCount),
      this.forwardingSink(),
      (id) => this.sessions.get(id),
      (error) => this.log.error(`session views failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    )
    this.traces = new RoundTraces(options.roundTraces)
    this.lookups = new LookupLimiter(options.lookupsPerClient === undefined ? DEFAULT_LOOKUPS_PER_CLIENT : options.lookupsPerClient)
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
  private get sessions(): Map<string, Session> {
    return this.catalog.live
  }

  /**
   * Opens the stored sessions: with a store that keeps an index, only the index is read (and
   * running rounds resumed); documents are loaded when first used (`ensure`). See SessionCatalog.
   */
  static async open(options: SessionServiceOptions): Promise<SessionService> {
    const service = new SessionService(options)
    if (!options.ownership) await service.catalog.start()
    return service
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

  /** Where views go; the gateway sets itself once Socket.IO is up. */
  setSink(sink: SessionSink): void {
    this.sink = sink
  }

  get size(): number {
    return this.sessions.size
  }

  /** Stored sessions that could not be loaded, and what the store reports (see /api/health). */
  problems(): string[] {
    return [...(this.options.store.problems?.() ?? []), ...this.catalog.problems]
  }

  // ---- cluster hooks (ownership moves between processes; see cluster/cluster.ts) ---------

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

  /** The per-client creation limit the REST routes apply (undefined: their default). */
  get sessionsPerClient(): SessionServiceOptions['sessionsPerClient'] {
    return this.options.sessionsPerClient
  }

  // ---- sessions ---------------------------------------------------------------------------

  async create(input: CreateSessionInput): Promise<{ session: Session; hostToken: string; warnings: string[] }> {
    this.checkOpen()
    const { settings, faults, warnings } = newSessionConfig(input)
    await this.catalog.makeRoom()
    const hostToken = newToken()
    let id = newSessionId((candidate) => this.sessions.has(candidate))
    if (this.options.ownership) {
      while (!(await this.options.ownership.claim(id))) id = newSessionId((candidate) => this.sessions.has(candidate))
    }
    const document: SessionDocument = {
      v: 1,
      id,
      createdAt: this.clock.now(),
      hostTokenHash: hashToken(hostToken),
      settings,
      seats: botSeats(faults),
      locked: false,
      nextRound: 1,
      rounds: [],
      current: null,
      barred: [],
    }
    const session = new Session(document, this.env)
    this.catalog.add(session)
    // A session the store refused is forgotten again: nobody would ever see its host token.
    await this.durably(session, () => this.catalog.remove(session.id))
    return { session, hostToken, warnings }
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

  async delete(sessionId: string): Promise<void> {
    const session = this.get(sessionId)
    this.forget(session)
    this.catalog.remove(session.id)
    await this.options.store.deleteSession(session.id)
  }

  /** A deleted or expired session: its timers stop and its sockets are told it is gone. */
  private forget(session: Session): void {
    session.stop()
    this.publisher.forget(session.id)
    this.sink.sessionClosed(session.id)
  }

  // ---- seats ------------------------------------------------------------------------------

  /** `client`: the claimer's address, which a kick bars (see Session.claim). */
  async claimSeat(sessionId: string, request: { nodeId?: number; name?: string }, client?: string): Promise<AssignNodeResponse> {
    const session = this.get(sessionId)
    const { seat, token } = session.claim(request, client)
    this.changed(session, [seat.id])
    // Unsaved, the claim is undone: the caller never receives the token, so nobody could use the seat.
    await this.durably(session, () => {
      session.kick(seat.id)
      this.changed(session, [seat.id])
    })
    return {
      sessionId: session.id,
      nodeId: seat.id,
      seatToken: token,
      role: seat.id === 0 ? 'primary' : 'backup',
      fault: seat.fault,
      isByzantine: seat.fault !== 'honest',
    }
  }

  /** A seat's socket connected (`connection` identifies it); the caller then sends it `replicaView`. */
  seatConnected(sessionId: string, credential: SeatCredential, connection: string): void {
    const session = this.seatSession(sessionId, credential)
    if (session.connect(credential.nodeId, connection)) this.changed(session, [credential.nodeId])
  }

  seatDisconnected(sessionId: string, nodeId: number, connection: string): void {
    const session = this.sessions.get(sessionId)
    if (session?.disconnect(nodeId, connection)) this.changed(session, [nodeId])
  }

  async kick(sessionId: string, nodeId: number): Promise<void> {
    const session = this.get(sessionId)
    session.kick(nodeId)
    this.sink.seatKicked(session.id, nodeId, 'the host gave your seat back to a bot')
    this.changed(session, [nodeId])
    await this.durably(session)
  }

  /** Lets the holders kicked from `nodeId` claim again; returns how many bars were lifted. */
  async allowSeat(sessionId: string, nodeId: number): Promise<number> {
    const session = this.get(sessionId)
    const allowed = session.allow(nodeId)
    if (allowed === 0) return 0
    this.changed(session, [nodeId])
    await this.durably(session)
    return allowed
  }

  async setLocked(sessionId: string, locked: boolean): Promise<void> {
    const session = this.get(sessionId)
    session.locked = locked
    this.changed(session, [])
    await this.durably(session)
  }

  async setFault(sessionId: string, nodeId: number, fault: FaultKind): Promise<'now' | 'next-round'> {
    const session = this.get(sessionId)
    const effective = session.setFault(nodeId, fault)
    this.changed(session, [nodeId])
    await this.durably(session)
    return effective
  }

  async setBotTakeover(sessionId: string, botTakeover: boolean): Promise<void> {
    const session = this.get(sessionId)
    session.setBotTakeover(botTakeover)
    this.changed(session, 'all')
    await this.durably(session)
  }

  async setDeliveryRate(sessionId: string, rate: number): Promise<void> {
    const session = this.get(sessionId)
    this.engine(() => session.setDeliveryRate(rate))
    this.changed(session, [])
    await this.durably(session)
  }

  // ---- rounds -----------------------------------------------------------------------------

  async startRound(sessionId: string, seed?: number): Promise<{ round: number; seed: number }> {
    this.checkOpen()
    const session = this.get(sessionId)
    const roundSeed = seed ?? (this.options.newSeed ?? newRoundSeed)()
    const round = this.engine(() => session.startRound(roundSeed))
    // Like a phase opening, a new round is sent at once (see roundChanged).
    this.publisher.all(session.id)
    this.publisher.flush(session.id)
    await this.durably(session)
    return { round, seed: roundSeed }
  }

  async nextPhase(sessionId: string): Promise<LivePhase> {
    const session = this.get(sessionId)
    const phase = this.engine(() => session.nextPhase())
    await this.durably(session)
    return phase
  }

  async resetRound(sessionId: string): Promise<number | null> {
    const session = this.get(sessionId)
    const aborted = session.resetRound()
    this.publisher.all(session.id)
    this.publisher.flush(session.id)
    await this.durably(session)
    return aborted
  }

  /** A human acts for its seat; resolves once the move is durable. Returns how many messages it sent. */
  async act(sessionId: string, credential: SeatCredential, choice?: ByzantineChoice): Promise<number> {
    const session = this.seatSession(sessionId, credential)
    const sent = this.engine(() => session.act(credential.nodeId, choice))
    await this.durably(session)
    return sent
  }

  async skip(sessionId: string, credential: SeatCredential): Promise<void> {
    const session = this.seatSession(sessionId, credential)
    this.engine(() => session.skip(credential.nodeId))
    await this.durably(session)
  }

  /**
   * Waits until the session's document (with the change just made) is durable. When the store
   * fails, `undo` reverts what can be reverted, and the caller gets STORAGE (503) saying so, never
   * a silent success; a move already played stays live (others saw it) but is reported unsaved.
   */
  private async durably(session: Session, undo?: () => void): Promise<void> {
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

  /**
   * A round of the history with its full message trace, replayed from its seed and log, as the
   * JSON text of a RoundTraceResponse (built in slices and cached: see RoundTraces).
   */
  async roundTraceJson(sessionId: string, round: number, client = 'local'): Promise<Buffer> {
    const session = this.get(sessionId)
    const record = session.rounds.find((candidate) => candidate.round === round)
    if (!record) {
      const kept = session.rounds.map((r) => r.round)
      const range = kept.length > 0 ? `rounds ${kept[0]}..${kept.at(-1)} are kept` : 'no round finished yet'
      throw new SessionError('NOT_FOUND', `no round ${round} in the history of ${session.id} (${range})`)
    }
    return this.traces.answer(session.id, record, client)
  }

  /** What the replay cache holds (tests, diagnostics). */
  get cachedTraces(): { rounds: number; bytes: number } {
    return this.traces.cached
  }

  /** The original system's batch experiment with this session's N, p and faults (bounded: see BatchLimiter). */
  async runBatch(sessionId: string, rounds: number, seed?: number, client = 'local'): Promise<BatchResult & { sessionId: string; durationMs: number }> {
    const session = this.get(sessionId)
    return this.batches.run(session.id, session.nodeCount, rounds, client, async () => {
      const started = performance.now()
      const result = await runBatchExperiment({
        nodes: session.nodeCount,
        p: session.settings.messageDeliveryRate / 100,
        faults: session.faults(),
        authentication: session.settings.authentication,
        rounds,
        seed: seed ?? (this.options.newSeed ?? newRoundSeed)(),
      })
      const durationMs = Math.round((performance.now() - started) * 100) / 100
      return { ...result, messageDeliveryRate: session.settings.messageDeliveryRate, sessionId: session.id, durationMs }
    })
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

  private seatSession(sessionId: string, credential: SeatCredential): Session {
    const session = this.get(sessionId)
    session.checkSeat(credential.nodeId, credential.tokenHash)
    return session
  }

  private roundChanged(session: Session, change: RoundChange): void {
    if (this.closed || this.sessions.get(session.id) !== session) return
    switch (change.kind) {
      case 'messages': {
        // The sender's view and the views of everyone something reached; dropped mail changes nothing.
        const touched = new Set<number>([change.from])
        for (const message of change.messages) if (message.status !== 'dropped') touched.add(message.to)
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
  private changed(session: Session, seats: number[] | 'all'): void {
    this.publisher.info(session.id)
    this.publisher.host(session.id)
    this.publisher.seats(session.id, seats)
  }

  private async save(sessionId: string): Promise<void> {
    const session = this.sessions.get(sessionId)
    // Deleted meanwhile: saving now would bring it back.
    if (!session) return
    await this.options.store.saveSession(sessionId, session.serialisedDocument())
    this.catalog.touched(session)
  }

  private saveFailed(sessionId: string, error: unknown): void {
    this.log.error(`could not save session ${sessionId}: ${error instanceof Error ? error.message : String(error)}`)
  }

  /** Runs a call into the engine, turning its refusals into session errors. */
  private engine<T>(call: () => T): T {
    try {
      return call()
    } catch (error) {
      throw asSessionError(error)
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new SessionError('BUSY', 'the server is shutting down')
  }

  /** The publisher holds this wrapper, so `setSink` later redirects its output too. */
  private forwardingSink(): SessionSink {
    return {
      sessionInfo: (id, info) => this.sink.sessionInfo(id, info),
      hostView: (id, view) => this.sink.hostView(id, view),
      replicaView: (id, nodeId, view) => this.sink.replicaView(id, nodeId, view),
      roundOutcome: (id, outcome) => this.sink.roundOutcome(id, outcome),
      seatKicked: (id, nodeId, reason) => this.sink.seatKicked(id, nodeId, reason),
      sessionClosed: (id) => this.sink.sessionClosed(id),
    }
  }
}

