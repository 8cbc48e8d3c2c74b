import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { createAdapter } from '@socket.io/redis-streams-adapter'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Redis } from 'ioredis'
import type { ExperimentService } from '../experiments'
import { runGatewayCommand, type GatewayCommand, type GatewayRemote, type IoServer } from '../realtime/gateway'
import { sessionRoom } from '../realtime/rooms'
import { SessionError } from '../sessions/errors'
import { DEFAULT_LIFETIME } from '../sessions/sessionCatalog'
import type { SessionOwnership, SessionService } from '../sessions/sessionService'
import { RedisSessionStore } from '../store/redisSessionStore'
import { ClusterExperiments, type ExperimentCall } from './experiments'
import { Leases } from './lease'
import { RedisRpc, UnreachableError } from './rpc'

export interface ClusterOptions {
  /** redis:// or rediss:// URL (REDIS_URL). */
  redisUrl: string
  /** This process's name in leases and forwarding (INSTANCE_ID; default host-pid-random). */
  instanceId?: string
  /** How long an owner's lease lasts without renewal (default 10 s); renewed every third of it. */
  leaseTtlMs?: number
  /** How long a forwarded request may wait for the owner's answer (default 5 s). */
  forwardTimeoutMs?: number
  /** Prefix of every Redis key and channel (default `pbft`). */
  keyPrefix?: string
  /** Session documents expire this long after their last save (SESSION_TTL_DAYS; default 30 days). */
  sessionTtlMs?: number
}

type Log = { info(message: string): void; warn(message: string): void; error(message: string): void }

/** Where a session lives, seen from this process. */
type Where = { kind: 'local' } | { kind: 'remote'; owner: string } | { kind: 'missing' }

/** What one instance asks a session's owner. */
type SessionRequest =
  | { kind: 'gateway'; sessionId: string; command: GatewayCommand }
  | { kind: 'http'; sessionId: string; method: string; url: string; headers: Record<string, string>; body?: string }

/** What one instance asks another: about a session (its owner), or an experiment (where it runs). */
type Request = SessionRequest | ExperimentCall

/** A seat's socket on another instance, as the owner learnt it from that instance's `enter`. */
interface RemoteSeat {
  sessionId: string
  nodeId: number
}

interface HttpAnswer {
  status: number
  contentType?: string
  body: string
}

/** Session codes (and anything a client may type): a key suffix is only ever one of these. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/
/** Marks a request one instance forwarded to another, so it is never forwarded again. */
export const FORWARDED_HEADER = 'x-pbft-forwarded-by'
const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'user-agent', 'x-forwarded-for']

/**
 * Many processes behind a load balancer (REDIS_URL). Sessions live in Redis; each has one
 * owner process holding its lease, which alone runs the session's round, timers and bots. Any
 * process serves the session's clients: REST calls and socket commands that reach another
 * process are forwarded to the owner over Redis, and the owner's room emits reach every
 * process's sockets through the Socket.IO Redis streams adapter. When an owner dies its leases
 * expire; the next process that gets traffic for a session (or a periodic scan, for rounds
 * that are running) takes the lease, loads the document and restores the round from its log.
 *
 * Every instance also renews a liveness key, `<prefix>:instance:<id>` (the lease TTL, renewed
 * every third of it). An owner remembers through which instance each seat socket entered; when
 * that instance's liveness key expires (it crashed), its seats are marked away here. Experiments
 * run where they were posted and any instance answers for them (see ./experiments.ts).
 */
export class Cluster {
  readonly store: RedisSessionStore
  readonly instanceId: string
  readonly ttlMs: number
  /** Where experiments run, and the answers of every instance about them. */
  readonly experiments: ClusterExperiments
  private readonly leases: Leases
  private readonly rpc: RedisRpc
  private readonly adopting = new Map<string, Promise<Where>>()
  private service: SessionService | null = null
  private app: FastifyInstance | null = null
  private io: IoServer | null = null
  private scanTimer: NodeJS.Timeout | null = null
  private scanning = false
  private stopped = false
  private crashed = false
  /** Instance → its seat sockets (connection id → seat) of sessions this process owns. */
  private readonly seatsVia = new Map<string, Map<string, RemoteSeat>>()
  private checkingPeers = false
  private heartbeatTimer: NodeJS.Timeout | null = null
  /** Whether this instance's liveness key was written at least once (a later miss means it expired). */
  private beating = false

  private constructor(
    private readonly redis: Redis,
    subscriber: Redis,
    /** Connections made from the main one (the subscriber, the adapter's readers): closed with it. */
    private readonly duplicates: Set<Redis>,
    private readonly options: ClusterOptions,
    private readonly log: Log,
  ) {
    const keyPrefix = options.keyPrefix ?? 'pbft'
    this.instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
    this.ttlMs = options.leaseTtlMs ?? 10_000
    this.store = new RedisSessionStore(redis, {
      keyPrefix,
      fence: { leaseKey: (id) => this.leases.key(id), owner: this.instanceId },
      sessionTtlMs: options.sessionTtlMs ?? DEFAULT_LIFETIME.ttlMs,
    })
    this.leases = new Leases(redis, {
      keyPrefix,
      instanceId: this.instanceId,
      ttlMs: this.ttlMs,
      log,
      onLost: (id) => this.service?.release(id),
      stillNeeded: (id) => this.service?.has(id) === true || this.adopting.has(id),
    })
    this.rpc = new RedisRpc(redis, subscriber, {
      keyPrefix,
      instanceId: this.instanceId,
      timeoutMs: options.forwardTimeoutMs ?? 5000,
      log,
      handle: (body, from) => this.handle(body as Request, from),
      onBroadcast: (body) => this.onBroadcast(body as { kind: string; sessionId: string }),
    })
    this.experiments = new ClusterExperiments(redis, this.store, {
      keyPrefix,
      instanceId: this.instanceId,
      ttlMs: this.ttlMs,
      log,
      call: (target, request) => this.rpc.call(target, request),
    })
  }

  /** Connects to Redis (failing start-up with a clear message when it cannot) and subscribes. */
  static async connect(options: ClusterOptions, log: Log): Promise<Cluster> {
    // While Redis is away a command waits for at most two reconnection attempts (≤ 0.5 s
    // apart, so ~1 s) and then fails: clients get 503 STORAGE quickly rather than an
    // acknowledgement that hangs for the ~10 s ioredis's growing back-off would add up to.
    const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, retryStrategy: (times) => Math.min(times * 100, 500), lazyConnect: true })
    const duplicates = new Set<Redis>()
    Cluster.watch(redis, log, duplicates)
    try {
      await redis.connect()
      await redis.ping()
    } catch (error) {
      redis.disconnect()
      throw new Error(`cannot reach Redis at ${redactUrl(options.redisUrl)}: ${error instanceof Error ? error.message : String(error)}`)
    }
    const cluster = new Cluster(redis, redis.duplicate(), duplicates, options, log)
    await cluster.rpc.start()
    await cluster.heartbeat()
    return cluster
  }

  /**
   * Logs connection errors (at most one line per 10 s per connection) instead of ioredis's
   * "unhandled error" noise, and makes every duplicate (the adapter makes its own) do the same
   * and close when this cluster disconnects.
   */
  private static watch(redis: Redis, log: Log, duplicates: Set<Redis>): Redis {
    let last = 0
    redis.on('error', (error: Error) => {
      if (Date.now() - last < 10_000) return
      last = Date.now()
      log.warn(`Redis connection: ${error.message}`)
    })
    const duplicate = redis.duplicate.bind(redis)
    redis.duplicate = (override) => {
      const copy = Cluster.watch(duplicate(override), log, duplicates)
      duplicates.add(copy)
      return copy
    }
    return redis
  }

  /** Reserves new session ids: the creating process owns the session from the start. */
  get ownership(): SessionOwnership {
    return { claim: (id) => this.leases.acquire(id).catch((error: unknown) => Promise.reject(storageUnavailable(error))) }
  }

  /** Runs socket commands for sessions held elsewhere on their owner. */
  get remote(): GatewayRemote {
    return { run: (sessionId, command) => this.runGateway(sessionId.toUpperCase(), command) }
  }

  /** The Socket.IO adapter that carries room emits between processes. */
  adapter(): ReturnType<typeof createAdapter> {
    return createAdapter(this.redis, { streamName: `${this.options.keyPrefix ?? 'pbft'}:socket.io` })
  }

  /**
   * Forwards `/api/sessions/<id>…` requests for sessions owned elsewhere. Call it before the
   * session routes are registered (Fastify applies hooks to routes registered after them).
   */
  installHttpForwarding(app: FastifyInstance): void {
    app.addHook('preValidation', async (request, reply) => {
      const id = sessionIdOf(request.url)
      if (id === null) return
      const where = await this.locate(id)
      // A forwarded request is answered here whatever happens: never forwarded twice.
      if (where.kind !== 'remote' || request.headers[FORWARDED_HEADER] !== undefined) return
      const answer = (await this.callOwner(id, where.owner, {
        kind: 'http',
        sessionId: id,
        method: request.method,
        url: request.url,
        headers: forwardedHeaders(request),
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      })) as HttpAnswer
      if (answer.contentType !== undefined) void reply.header('content-type', answer.contentType)
      return reply.code(answer.status).send(answer.body)
    })
  }

  /**
   * Starts owning: the services to run commands on, renewals (leases, liveness, experiments),
   * the takeover scan and the check of the instances seats came through.
   */
  attach(app: FastifyInstance, service: SessionService, io: IoServer, experiments?: ExperimentService): void {
    this.app = app
    this.service = service
    this.io = io
    this.leases.start()
    if (experiments) this.experiments.attach(experiments)
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), Math.max(10, Math.floor(this.ttlMs / 3)))
    this.scanTimer = setInterval(() => {
      void this.scan()
      void this.checkPeers()
      void this.experiments.reap()
    }, this.ttlMs)
    void this.scan()
  }

  /**
   * Tests: behave as a process that died. Renewals and the scan stop and this instance stops
   * listening for forwarded requests; its leases stay until they expire, and closing the app
   * afterwards does not release them.
   */
  crash(): void {
    this.crashed = true
    this.experiments.crash()
    this.stopTimers()
    this.rpc.close()
  }

  /** Clean shutdown, after the sessions' last saves: leases released, forwarding stopped. */
  async shutdown(): Promise<void> {
    this.stopTimers()
    this.experiments.stop()
    if (!this.crashed) {
      await this.leases.releaseAll().catch((error: unknown) => this.log.warn(`could not release leases: ${String(error)}`))
      // Owners mark the seats that came through here away at their next check.
      await this.redis.del(this.instanceKey(this.instanceId)).catch(() => undefined)
    }
    this.rpc.close()
    await this.io?.of('/').adapter.close()
  }

  /** After the store has closed. */
  async disconnect(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect())
    for (const copy of this.duplicates) copy.disconnect()
  }

  // ---- ownership ------------------------------------------------------------------------

  /** Where a session lives; takes it over when nobody owns it. */
  private locate(id: string): Promise<Where> {
    if (!SESSION_ID.test(id) || this.stopped) return Promise.resolve({ kind: 'missing' })
    if (this.service?.has(id)) return Promise.resolve({ kind: 'local' })
    const pending = this.adopting.get(id)
    if (pending) return pending
    const located = this.findOrAdopt(id)
      .catch((error: unknown) => Promise.reject(storageUnavailable(error)))
      .finally(() => this.adopting.delete(id))
    this.adopting.set(id, located)
    return located
  }

  private async findOrAdopt(id: string): Promise<Where> {
    const owner = await this.leases.owner(id)
    if (owner !== null && owner !== this.instanceId) return { kind: 'remote', owner }
    if (!(await this.leases.acquire(id))) {
      const now = await this.leases.owner(id)
      return now === null ? { kind: 'missing' } : { kind: 'remote', owner: now }
    }
    const raw = await this.store.loadSession(id)
    const service = this.service
    if (raw === null || !service) {
      await this.leases.release(id)
      return { kind: 'missing' }
    }
    try {
      service.adopt(raw)
    } catch (error) {
      this.log.warn(`cannot take over session ${id}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)
      await this.leases.release(id)
      return { kind: 'missing' }
    }
    this.log.info(`instance ${this.instanceId} now owns session ${id}`)
    // Sockets of this session on every instance tell the new owner who is online.
    void this.rpc.broadcast({ kind: 'adopted', sessionId: id }).catch(() => undefined)
    return { kind: 'local' }
  }

  /**
   * Sends a request to the session's owner. When the owner is gone (nobody listens on its
   * channel) its lease is left to expire, and then this process takes the session over.
   */
  private async callOwner(id: string, owner: string, request: SessionRequest): Promise<unknown> {
    const deadline = Date.now() + 2 * this.ttlMs + 1000
    let target: Where = { kind: 'remote', owner }
    for (;;) {
      if (target.kind !== 'remote') return request.kind === 'http' ? this.answerHttp(request, this.instanceId) : this.runLocally(request.command)
      try {
        return await this.rpc.call(target.owner, request)
      } catch (error) {
        if (!(error instanceof UnreachableError) || Date.now() > deadline || this.stopped) {
          if (error instanceof UnreachableError) throw new SessionError('BUSY', `the server that owns session ${id} is gone; try again in a moment`)
          throw storageUnavailable(error)
        }
      }
      const left = await this.leases.remainingMs(id).catch(() => 100)
      await sleep(Math.min(Math.max(left, 20), this.ttlMs) + 10)
      target = await this.locate(id)
    }
  }

  private async runGateway(id: string, command: GatewayCommand): Promise<unknown> {
    const where = await this.locate(id)
    if (where.kind !== 'remote') return this.runLocally(command)
    return this.callOwner(id, where.owner, { kind: 'gateway', sessionId: id, command })
  }

  private runLocally(command: GatewayCommand): Promise<unknown> {
    const service = this.service
    if (!service) throw new SessionError('BUSY', 'this server is starting; try again')
    return Promise.resolve(runGatewayCommand(service, command))
  }

  /** A request another instance forwarded here, because it thinks this process owns the session. */
  private async handle(request: Request, from: string): Promise<unknown> {
    if (request.kind === 'experiment') return this.experiments.answer(request)
    const where = await this.locate(request.sessionId)
    if (request.kind === 'http') return this.answerHttp(request, from)
    if (where.kind === 'remote') throw new SessionError('BUSY', `session ${request.sessionId} moved to another server; try again`)
    this.trackSeat(from, request.command)
    return this.runLocally(request.command)
  }

  /**
   * Remembers through which instance a seat socket entered (before the command runs: a seat
   * marked online must always be found again), and forgets it when it leaves.
   */
  private trackSeat(from: string, command: GatewayCommand): void {
    if (from === this.instanceId || (command.kind !== 'enter' && command.kind !== 'leave') || command.role.kind !== 'seat') return
    const { role, connection } = command
    let seats = this.seatsVia.get(from)
    if (command.kind === 'leave') {
      seats?.delete(connection)
      if (seats?.size === 0) this.seatsVia.delete(from)
      return
    }
    if (!seats) this.seatsVia.set(from, (seats = new Map()))
    seats.set(connection, { sessionId: role.sessionId, nodeId: role.nodeId })
  }

  private async answerHttp(request: Extract<Request, { kind: 'http' }>, from: string): Promise<HttpAnswer> {
    const app = this.app
    if (!app) throw new SessionError('BUSY', 'this server is starting; try again')
    const response = await app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: { ...request.headers, [FORWARDED_HEADER]: from },
      ...(request.body === undefined ? {} : { payload: request.body }),
    })
    const contentType = response.headers['content-type']
    return { status: response.statusCode, body: response.body, ...(typeof contentType === 'string' ? { contentType } : {}) }
  }

  /** Another instance took a session over: this instance's seat sockets of it check in there. */
  private onBroadcast(message: { kind: string; sessionId: string }): void {
    const io = this.io
    if (message.kind !== 'adopted' || !io) return
    void this.checkIn(() => io.local.in(sessionRoom(message.sessionId)).fetchSockets(), false)
  }

  /**
   * Seat sockets of this instance tell their session's owner that they are online (all of them,
   * or only those of sessions owned elsewhere).
   */
  private async checkIn(fetch: () => ReturnType<IoServer['fetchSockets']>, onlyRemote: boolean): Promise<void> {
    for (const socket of await fetch().catch(() => [])) {
      const role = socket.data.role
      if (role?.kind !== 'seat' || (onlyRemote && this.service?.has(role.sessionId) !== false)) continue
      this.runGateway(role.sessionId, { kind: 'enter', role, connection: socket.id })
        .then((state) => {
          const replica = (state as { replica?: unknown }).replica
          if (replica) socket.emit('replica:view', replica as never)
        })
        .catch(() => undefined)
    }
  }

  // ---- liveness ---------------------------------------------------------------------------

  private instanceKey(id: string): string {
    return `${this.options.keyPrefix ?? 'pbft'}:instance:${id}`
  }

  /**
   * Renews this instance's liveness key. Found expired (Redis was out of reach for a whole
   * TTL), owners may have marked this instance's seats away: they check in again.
   */
  private async heartbeat(): Promise<void> {
    if (this.stopped) return
    const key = this.instanceKey(this.instanceId)
    try {
      const results = await this.redis.multi().exists(key).set(key, this.instanceId, 'PX', this.ttlMs).exec()
      const existed = results?.[0]?.[1] === 1
      const io = this.io
      if (!existed && this.beating && io && !this.stopped) {
        this.log.warn(`the liveness key of instance ${this.instanceId} had expired: its seat sockets check in with their owners again`)
        void this.checkIn(() => io.local.fetchSockets(), true)
      }
      this.beating = true
    } catch (error) {
      this.log.warn(`liveness renewal failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  /**
   * Seat sockets that entered through an instance whose liveness key expired (it died without
   * telling) are marked away here, so the host sees them offline and bots may take over.
   */
  private async checkPeers(): Promise<void> {
    const service = this.service
    if (this.checkingPeers || this.stopped || !service || this.seatsVia.size === 0) return
    this.checkingPeers = true
    try {
      const peers = [...this.seatsVia.keys()]
      const alive = await this.redis.mget(peers.map((peer) => this.instanceKey(peer)))
      for (const [i, peer] of peers.entries()) {
        const seats = this.seatsVia.get(peer)
        if (!seats) continue
        if (alive[i] !== null) {
          // Sessions that moved or ended: nothing of theirs to mark any more.
          for (const [connection, seat] of seats) if (!service.has(seat.sessionId)) seats.delete(connection)
          if (seats.size === 0) this.seatsVia.delete(peer)
          continue
        }
        this.seatsVia.delete(peer)
        let marked = 0
        for (const [connection, seat] of seats) {
          if (!service.has(seat.sessionId)) continue
          service.seatDisconnected(seat.sessionId, seat.nodeId, connection)
          marked++
        }
        if (marked > 0) this.log.warn(`instance ${peer} is gone: ${marked} seat connection(s) through it marked away`)
      }
    } catch (error) {
      this.log.warn(`instance liveness check failed: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      this.checkingPeers = false
    }
  }

  /** Running rounds nobody owns (their owner died) are taken over without waiting for traffic. */
  private async scan(): Promise<void> {
    if (this.scanning || this.stopped || !this.service) return
    this.scanning = true
    try {
      const ids = (await this.store.sessionIds()).filter((id) => !this.service?.has(id))
      if (ids.length === 0) return
      const owners = await this.redis.mget(ids.map((id) => this.leases.key(id)))
      for (const [i, id] of ids.entries()) {
        if (owners[i] !== null || this.stopped) continue
        const document = await this.store.loadSession(id)
        // Expired (SESSION_TTL_DAYS): its id leaves the set too.
        if (document === null) await this.store.forgetExpired(id)
        const running = typeof document === 'object' && document !== null && 'current' in document && document.current !== null
        if (running) await this.locate(id)
      }
    } catch (error) {
      this.log.warn(`session scan failed: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      this.scanning = false
    }
  }

  private stopTimers(): void {
    this.stopped = true
    this.leases.stop()
    if (this.scanTimer) clearInterval(this.scanTimer)
    this.scanTimer = null
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = null
  }
}

/**
 * A failed Redis call (server down, unreachable, retries used up) as the refusal clients are
 * promised: 503 STORAGE / ack code STORAGE, not an internal error. Refusals with their own
 * code (a SessionError, also when it came back from another instance) pass unchanged.
 */
export function storageUnavailable(error: unknown): unknown {
  if (error instanceof SessionError) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new SessionError('STORAGE', `the session store (Redis) cannot be reached: ${reason}`)
}

/** The (upper-case) session id of `/api/sessions/<id>…`, or null for other paths. */
function sessionIdOf(url: string): string | null {
  const match = /^\/api\/sessions\/([^/?#]+)/.exec(url)
  if (!match?.[1]) return null
  try {
    return decodeURIComponent(match[1]).toUpperCase()
  } catch {
    return null
  }
}

function forwardedHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  return headers
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@')
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
