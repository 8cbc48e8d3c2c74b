import {
  EmptyPayload,
  experimentRoom,
  ExperimentWatchPayload,
  SocketAuth,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SocketError,
} from '@pbft/protocol'
import type { Server, Socket } from 'socket.io'
import { SessionError } from '../sessions/errors'
import type { SessionService } from '../sessions/sessionService'
import {
  KNOWN_EVENTS,
  parse,
  runGatewayCommand,
  SESSION_EVENTS,
  type EventName,
  type EventResult,
  type GatewayCommand,
  type SessionSnapshot,
  type SocketRole,
} from './gatewayCommands'
import { TokenBucket } from './rateLimit'
import { hostRoom, infoRoom, seatRoom, sessionRoom } from './rooms'
import { SlicedQueue } from './slicedQueue'

// Re-exported: the cluster and tests name them from here.
export { runGatewayCommand, type GatewayCommand, type SessionSnapshot, type SocketRole }

export interface SocketData {
  role: SocketRole
  bucket: TokenBucket
  /** Whether the socket has entered its session (rooms joined, seat marked online). */
  entered: boolean
}

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

export interface GatewayOptions {
  /** Events per second per socket (default 20) and the burst allowed (default 40). */
  ratePerSecond?: number
  burst?: number
  log?: { error(message: string): void }
  /**
   * Cluster mode: runs a command for a session this process does not hold on the session's
   * owner (see cluster/cluster.ts). Without it every command runs here, synchronously where
   * the service call is.
   */
  remote?: GatewayRemote
  /**
   * Paces what a burst of connections asks for (see SlicedQueue); the socket server shares
   * its queue with the WebSocket handshakes (default: a queue of ≤ 3 ms turns, see socketServer.ts).
   */
  admissions?: SlicedQueue
}

/** Sends a gateway command to the process that owns the session; resolves with its result. */
export interface GatewayRemote {
  run(sessionId: string, command: GatewayCommand): Promise<unknown>
}

function toSocketError(error: unknown, log: GatewayOptions['log'], event: string): SocketError {
  if (error instanceof SessionError) return { code: error.code, message: error.message }
  log?.error(`socket event ${event} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  return { code: 'INTERNAL', message: 'internal server error' }
}

/** Runs `then` on a value now, or once its promise resolves: the single-process path stays synchronous. */
function settle<T, R>(value: T | Promise<T>, then: (value: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(then) : then(value)
}

/**
 * The Socket.IO side of a session: who a socket is (handshake), which rooms it is in, and one
 * handler per client event that rate-limits, parses, checks the role and calls the service.
 * It holds no session state of its own.
 */
export function attachGateway(io: IoServer, service: SessionService, options: GatewayOptions & { admissions: SlicedQueue }): void {
  const rate = options.ratePerSecond ?? 20
  const burst = options.burst ?? 40

  /** Runs a command here, or on the session's owner when a cluster says this process does not hold it. */
  function exec<T>(sessionId: string | null, command: GatewayCommand): T | Promise<T> {
    if (options.remote && sessionId !== null && !service.has(sessionId)) return options.remote.run(sessionId, command) as Promise<T>
    return runGatewayCommand(service, command) as T | Promise<T>
  }

  io.use((socket, next) => {
    const refuse = (error: unknown): void => {
      const data = toSocketError(error, options.log, 'connect')
      next(Object.assign(new Error(data.message), { data }))
    }
    try {
      // The handshake's role, or a SessionError the client receives as its connect_error's `data`.
      const { sessionId, hostToken, seatToken } = parse(SocketAuth, socket.handshake.auth ?? {}, 'auth')
      const accept = (role: SocketRole): void => {
        socket.data.role = role
        socket.data.bucket = new TokenBucket(rate, burst)
        socket.data.entered = false
        next()
      }
      if (sessionId === undefined) return accept({ kind: 'guest', sessionId: null })
      // A code that does not exist counts against the client's lookups (see LookupLimiter).
      const client = socket.handshake.address
      service.lookups.check(client)
      const refuseLookup = (error: unknown): void => {
        if (error instanceof SessionError && error.code === 'NOT_FOUND') service.lookups.miss(client)
        refuse(error)
      }
      // A stored session is read from the store the first time it is used (see SessionCatalog).
      service
        .ensure(sessionId)
        .then(() => exec<SocketRole>(sessionId, { kind: 'auth', sessionId, hostToken, seatToken }))
        .then(accept, refuseLookup)
    } catch (error) {
      refuse(error)
    }
  })

  // Connections enter their sessions a few milliseconds' worth per turn (see SlicedQueue).
  // A job left at shutdown finds its socket disconnected and does nothing.
  const { admissions } = options

  io.on('connection', (socket) => {
    let cancelAdmission: () => void = () => undefined
    socket.on('disconnect', () => {
      cancelAdmission()
      const role = socket.data.role
      // A socket that never entered was never counted online: nothing to undo.
      if (role.kind !== 'seat' || !socket.data.entered) return
      const left = exec(role.sessionId, { kind: 'leave', role, connection: socket.id })
      // Forwarded: the owner may be gone or the session deleted; nothing to tell anyone.
      if (left instanceof Promise) left.catch(() => undefined)
    })
    const refuse = (error: unknown): void => {
      // The session was deleted (or the seat kicked) between the handshake and now.
      socket.emit('error', { ...toSocketError(error, options.log, 'connect'), event: 'connect' })
      socket.disconnect(true)
    }
    registerHandlers(socket)
    const admission = admit(socket)
    cancelAdmission = admission.cancel
    admission.entered.catch(refuse)
  })

  /**
   * Queues `enter` for the socket's turn (see SlicedQueue): `entered` settles once it has run,
   * and resolves at once if the socket is gone by then, since entering would leave a seat
   * online with nobody there. The queue is first in, first out, so a claim's admission always
   * runs after the socket's first one.
   */
  function admit(socket: IoSocket): { entered: Promise<void>; cancel: () => void } {
    let cancel: () => void = () => undefined
    const entered = new Promise<void>((resolve, reject) => {
      cancel = admissions.add(() => {
        if (!socket.connected) return resolve()
        try {
          Promise.resolve(enter(socket)).then(resolve, reject)
        } catch (error) {
          reject(error)
        }
      })
    })
    return { entered, cancel }
  }

  /** Joins the socket's rooms and sends it the current state at once (a reloaded phone sees where the round is). */
  function enter(socket: IoSocket): void | Promise<void> {
    const role = socket.data.role
    socket.data.entered = true
    if (role.sessionId === null) return
    const sessionId = role.sessionId
    void socket.join(sessionRoom(sessionId))
    return settle(exec<SessionSnapshot>(sessionId, { kind: 'enter', role, connection: socket.id }), (state) => {
      if (role.kind === 'host') void socket.join(hostRoom(sessionId))
      if (role.kind === 'seat') void socket.join(seatRoom(sessionId, role.nodeId))
      // A guest that just claimed a seat is a phone now (see infoRoom).
      if (role.kind === 'seat') void socket.leave(infoRoom(sessionId))
      else void socket.join(infoRoom(sessionId))
      send(socket, state)
    })
  }

  function send(socket: IoSocket, state: SessionSnapshot): void {
    socket.emit('session:update', state.info)
    if (state.host) socket.emit('host:view', state.host)
    if (state.replica) socket.emit('replica:view', state.replica)
  }

  function registerHandlers(socket: IoSocket): void {
    /**
     * Payloads are untrusted: every listener takes `unknown` and parses it. The acknowledgement
     * is the last argument when it is a function; without one, failures go to the `error` event.
     */
    const on = (event: EventName, handler: (payload: unknown) => object | Promise<object>): void => {
      const listener = async (...args: unknown[]): Promise<void> => {
        const last = args.at(-1)
        const ack = typeof last === 'function' ? (last as (response: Ack) => void) : null
        const payload = ack && args.length === 1 ? undefined : args[0]
        try {
          if (!socket.data.bucket.take()) throw new SessionError('RATE_LIMITED', 'too many events: slow down')
          const result = await handler(payload)
          ack?.({ ok: true, ...result })
        } catch (error) {
          const failure = toSocketError(error, options.log, event)
          if (ack) ack({ ok: false, error: failure })
          else socket.emit('error', { ...failure, event })
        }
      }
      ;(socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }).on(event, (...args) => void listener(...args))
    }

    for (const event of SESSION_EVENTS) {
      on(event, async (payload) => {
        const role = socket.data.role
        const client = socket.handshake.address
        const result = await exec<EventResult>(role.sessionId, { kind: 'event', event, role, payload, client })
        if (result.role) {
          // A claimed seat: the socket now holds it, joins its room and receives its view (in
          // its turn: a class claims its seats all at once), then the claim is acknowledged.
          socket.data.role = result.role
          await admit(socket).entered
        }
        return result.ack
      })
    }
    on('session:sync', async (payload) => {
      parse(EmptyPayload, payload, 'session:sync')
      const role = socket.data.role
      if (role.sessionId === null) return {}
      send(socket, await exec<SessionSnapshot>(role.sessionId, { kind: 'sync', role }))
      return {}
    })
    on('experiment:watch', async (payload) => {
      const { id } = parse(ExperimentWatchPayload, payload, 'experiment:watch')
      await socket.join(experimentRoom(id))
      return {}
    })
    on('experiment:unwatch', async (payload) => {
      const { id } = parse(ExperimentWatchPayload, payload, 'experiment:unwatch')
      await socket.leave(experimentRoom(id))
      return {}
    })
    // A typo (`replica:acts`) would otherwise wait for an acknowledgement that never comes.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && KNOWN_EVENTS.has(event)) return
      const name = typeof event === 'string' ? event.slice(0, 64) : String(event)
      const last = args.at(-1)
      const failure: SocketError = socket.data.bucket.take()
        ? { code: 'UNKNOWN_EVENT', message: `no event ${JSON.stringify(name)}; see docs/protocol.md for the events a client may send` }
        : { code: 'RATE_LIMITED', message: 'too many events: slow down' }
      if (typeof last === 'function') (last as (response: Ack) => void)({ ok: false, error: failure })
      else socket.emit('error', { ...failure, event: name })
    })
  }
}
