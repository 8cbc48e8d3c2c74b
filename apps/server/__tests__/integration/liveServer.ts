import type {
  Ack,
  AssignNodeResponse,
  ClientToServerEvents,
  CreateSessionBody,
  CreateSessionResponse,
  HostView,
  ReplicaView,
  RoundOutcome,
  ServerToClientEvents,
  SessionInfo,
  SocketAuth,
  TracedMessage,
} from '@pbft/protocol'
import { mergeReplicaView } from '@pbft/protocol'
import type { FastifyInstance } from 'fastify'
import { io as connectClient, type Socket } from 'socket.io-client'
import { buildApp, type AppOptions } from '../../src/app'

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/** Seconds are plenty on a loaded 2-core machine, and below the 5 s test timeout: a hang fails naming what it awaited. */
export const WAIT_MS = 4000

export interface LiveServer {
  app: FastifyInstance
  base: string
  request<T = unknown>(method: string, path: string, options?: { body?: unknown; token?: string }): Promise<{ status: number; body: T }>
  createSession(body: CreateSessionBody): Promise<CreateSessionResponse>
  claim(sessionId: string, body?: { nodeId?: number; name?: string }): Promise<AssignNodeResponse>
  close(): Promise<void>
}

/** The real app on 127.0.0.1, port 0 (no web build: API and sockets only). */
export async function startLiveServer(options: Partial<AppOptions> = {}): Promise<LiveServer> {
  const app = await buildApp({ webRoot: '/nonexistent', ...options })
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const clients: ClientSocket[] = []
  const request = async <T>(method: string, path: string, { body, token }: { body?: unknown; token?: string } = {}) => {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T }
  }
  const server: LiveServer = {
    app,
    base,
    request,
    async createSession(body) {
      const response = await request<CreateSessionResponse>('POST', '/api/sessions', { body })
      if (response.status !== 201) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`)
      return response.body
    },
    async claim(sessionId, body) {
      const response = await request<AssignNodeResponse>('POST', `/api/sessions/${sessionId}/assign-node`, { body: body ?? {} })
      if (response.status !== 200) throw new Error(`claim failed: ${response.status} ${JSON.stringify(response.body)}`)
      return response.body
    },
    async close() {
      for (const client of clients) client.disconnect()
      await app.close()
    },
  }
  return server
}

/** Rejects after `ms` with a message naming what was awaited. */
export function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * A real Socket.IO client that remembers what the server sent: the latest views, the host's
 * trace rebuilt from its deltas, outcomes, kicks. `until` waits for a condition on that state.
 */
export class Client {
  readonly socket: ClientSocket
  replica: ReplicaView | null = null
  replicaViews: ReplicaView[] = []
  host: HostView | null = null
  /** The host trace rebuilt from `host:view` deltas (index = message index). */
  trace: TracedMessage[] = []
  traceRound: number | null = null
  info: SessionInfo | null = null
  outcomes: RoundOutcome[] = []
  kicked: { nodeId: number; reason: string }[] = []
  errors: unknown[] = []
  private waiters: { check: () => boolean; resolve: () => void }[] = []

  private constructor(base: string, auth: SocketAuth) {
    this.socket = connectClient(base, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth })
    this.socket.on('replica:view', (view) => {
      const merged = mergeReplicaView(this.replica, view)
      // This client never reconnects, so it never misses a delta: a gap is a server bug.
      if (merged === null) throw new Error(`replica view delta from ${view.receivedFrom}/${view.sentFrom} cannot be placed`)
      this.replica = merged
      this.replicaViews.push(merged)
      this.changed()
    })
    this.socket.on('host:view', (view) => {
      if (view.round !== this.traceRound || view.trace.from === 0) {
        this.trace = []
        this.traceRound = view.round
      }
      if (view.trace.from > this.trace.length) throw new Error(`host trace delta from ${view.trace.from}, have ${this.trace.length}`)
      this.trace = [...this.trace.slice(0, view.trace.from), ...view.trace.messages]
      this.host = view
      this.changed()
    })
    this.socket.on('session:update', (info) => {
      this.info = info
      this.changed()
    })
    this.socket.on('round:outcome', (outcome) => {
      this.outcomes.push(outcome)
      this.changed()
    })
    this.socket.on('seat:kicked', (info) => {
      this.kicked.push(info)
      this.changed()
    })
    this.socket.on('error', (error) => {
      this.errors.push(error)
      this.changed()
    })
    this.socket.on('disconnect', () => this.changed())
  }

  /** Connects and resolves once connected, or rejects with the server's connect_error data. */
  static async connect(base: string, auth: SocketAuth): Promise<Client> {
    const client = new Client(base, auth)
    await within(
      new Promise<void>((resolve, reject) => {
        client.socket.once('connect', () => resolve())
        client.socket.once('connect_error', (error) => {
          const data = (error as Error & { data?: unknown }).data
          reject(Object.assign(new Error(error.message), { data }))
        })
      }),
      'the socket to connect',
    )
    return client
  }

  /** Emits with an acknowledgement (bounded wait). */
  async emit<E extends keyof ClientToServerEvents>(event: E, payload?: unknown): Promise<Ack & Record<string, unknown>> {
    const emitter = this.socket.timeout(WAIT_MS) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<Ack & Record<string, unknown>> }
    return emitter.emitWithAck(event, payload)
  }

  until(check: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
    if (check()) return Promise.resolve()
    return within(new Promise<void>((resolve) => this.waiters.push({ check, resolve })), what, ms)
  }

  close(): void {
    this.socket.disconnect()
  }

  private changed(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.check()) return true
      waiter.resolve()
      return false
    })
  }
}

/**
 * Plays a seat as a cooperative human would: whenever its view says it may act, it acts once
 * for that phase (with `choice` if given). Returns a stop function.
 */
export function autoPlay(client: Client, choice?: (view: ReplicaView) => Record<string, unknown> | undefined): () => void {
  const done = new Set<string>()
  const onView = (view: ReplicaView): void => {
    // A phase comes back in every view (prepare, commit, the view change): once per view.
    const key = `${view.round}:${view.view ?? 0}:${view.phase}`
    if (!view.canAct || done.has(key)) return
    done.add(key)
    // A phone closed while its ack is pending rejects ("socket has been disconnected"): that is
    // the test ending, not a failure of the round.
    client
      .emit('replica:act', choice?.(view) ?? {})
      .then((ack) => {
        if (!ack.ok) client.errors.push(ack)
      })
      .catch(() => undefined)
  }
  client.socket.on('replica:view', onView)
  if (client.replica) onView(client.replica)
  return () => client.socket.off('replica:view', onView)
}
