import {
  ActPayload,
  ClaimPayload,
  EmptyPayload,
  experimentRoom,
  ExperimentWatchPayload,
  KickPayload,
  LockPayload,
  SetBotTakeoverPayload,
  SetDeliveryRatePayload,
  SetFaultPayload,
  SkipPayload,
  SocketAuth,
  StartRoundPayload,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SocketError,
} from '@pbft/protocol'
import type { Server, Socket } from 'socket.io'
import type { z } from 'zod'
import { SessionError } from '../sessions/errors'
import type { SeatCredential, SessionService } from '../sessions/sessionService'
import { sessionInfo } from '../sessions/views'
import { TokenBucket } from './rateLimit'
import { hostRoom, seatRoom, sessionRoom } from './rooms'

/** What a socket is allowed to be, fixed by its handshake (a guest becomes a seat by claiming one). */
export type SocketRole =
  | { kind: 'host'; sessionId: string }
  | ({ kind: 'seat'; sessionId: string } & SeatCredential)
  | { kind: 'guest'; sessionId: string | null }

export interface SocketData {
  role: SocketRole
  bucket: TokenBucket
}

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

export interface GatewayOptions {
  /** Events per second per socket (default 20) and the burst allowed (default 40). */
  ratePerSecond?: number
  burst?: number
  log?: { error(message: string): void }
}

type EventName = keyof ClientToServerEvents

/** Parses an event's payload, or refuses it as VALIDATION naming the field. */
function parse<S extends z.ZodType>(schema: S, payload: unknown, event: string): z.output<S> {
  const parsed = schema.safeParse(payload)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = issue && issue.path.length > 0 ? `.${issue.path.map(String).join('.')}` : ''
  throw new SessionError('VALIDATION', `${event}${path}: ${issue?.message ?? 'invalid payload'}`)
}

function toSocketError(error: unknown, log: GatewayOptions['log'], event: string): SocketError {
  if (error instanceof SessionError) return { code: error.code, message: error.message }
  log?.error(`socket event ${event} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  return { code: 'INTERNAL', message: 'internal server error' }
}

/** The handshake's role, or a SessionError the client receives as its connect_error's `data`. */
function authenticate(service: SessionService, auth: unknown): SocketRole {
  const { sessionId, hostToken, seatToken } = parse(SocketAuth, auth ?? {}, 'auth')
  if (sessionId === undefined) return { kind: 'guest', sessionId: null }
  const session = service.get(sessionId)
  if (hostToken !== undefined) {
    service.checkHost(session.id, hostToken)
    return { kind: 'host', sessionId: session.id }
  }
  if (seatToken !== undefined) return { kind: 'seat', sessionId: session.id, ...service.seatForToken(session.id, seatToken) }
  return { kind: 'guest', sessionId: session.id }
}

/**
 * The Socket.IO side of a session: who a socket is (handshake), which rooms it is in, and one
 * handler per client event that rate-limits, parses, checks the role and calls the service.
 * It holds no session state of its own.
 */
export function attachGateway(io: IoServer, service: SessionService, options: GatewayOptions = {}): void {
  const rate = options.ratePerSecond ?? 20
  const burst = options.burst ?? 40

  io.use((socket, next) => {
    try {
      socket.data.role = authenticate(service, socket.handshake.auth)
      socket.data.bucket = new TokenBucket(rate, burst)
      next()
    } catch (error) {
      const data = toSocketError(error, options.log, 'connect')
      next(Object.assign(new Error(data.message), { data }))
    }
  })

  io.on('connection', (socket) => {
    socket.on('disconnect', () => {
      const role = socket.data.role
      if (role.kind === 'seat') service.seatDisconnected(role.sessionId, role.nodeId, socket.id)
    })
    try {
      enter(socket)
    } catch (error) {
      // The session was deleted (or the seat kicked) between the handshake and now.
      socket.emit('error', { ...toSocketError(error, options.log, 'connect'), event: 'connect' })
      socket.disconnect(true)
      return
    }
    registerHandlers(socket)
  })

  /** Joins the socket's rooms and sends it the current state at once (a reloaded phone sees where the round is). */
  function enter(socket: IoSocket): void {
    const role = socket.data.role
    if (role.sessionId === null) return
    void socket.join(sessionRoom(role.sessionId))
    if (role.kind === 'host') {
      // Bring the room's trace deltas up to date first, so the next delta starts where this
      // socket's full view ends.
      service.flushViews(role.sessionId)
      void socket.join(hostRoom(role.sessionId))
    }
    if (role.kind === 'seat') {
      void socket.join(seatRoom(role.sessionId, role.nodeId))
      service.seatConnected(role.sessionId, role, socket.id)
    }
    sync(socket)
  }

  function sync(socket: IoSocket): void {
    const role = socket.data.role
    if (role.sessionId === null) return
    socket.emit('session:update', sessionInfo(service.get(role.sessionId)))
    if (role.kind === 'host') socket.emit('host:view', service.hostView(role.sessionId))
    if (role.kind === 'seat') socket.emit('replica:view', service.replicaView(role.sessionId, role.nodeId))
  }

  function host(socket: IoSocket): string {
    const role = socket.data.role
    if (role.kind !== 'host') throw new SessionError('FORBIDDEN', 'only the host may do this (connect with the host token)')
    return role.sessionId
  }

  /** The socket's own seat; a `nodeId` naming another seat is refused: a seat token acts for its seat only. */
  function seat(socket: IoSocket, nodeId: number | undefined): { sessionId: string } & SeatCredential {
    const role = socket.data.role
    if (role.kind !== 'seat') throw new SessionError('FORBIDDEN', 'only a seat holder may act (connect with a seat token)')
    if (nodeId !== undefined && nodeId !== role.nodeId) {
      throw new SessionError('FORBIDDEN', `this socket holds seat ${role.nodeId}, not seat ${nodeId}`)
    }
    return role
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

    on('host:start-round', async (payload) => {
      const { seed } = parse(StartRoundPayload, payload, 'host:start-round') ?? {}
      return service.startRound(host(socket), seed)
    })
    on('host:next-phase', async (payload) => {
      parse(EmptyPayload, payload, 'host:next-phase')
      return { phase: await service.nextPhase(host(socket)) }
    })
    on('host:reset-round', async (payload) => {
      parse(EmptyPayload, payload, 'host:reset-round')
      return { aborted: await service.resetRound(host(socket)) }
    })
    on('host:set-delivery-rate', async (payload) => {
      const { messageDeliveryRate } = parse(SetDeliveryRatePayload, payload, 'host:set-delivery-rate')
      await service.setDeliveryRate(host(socket), messageDeliveryRate)
      return { messageDeliveryRate }
    })
    on('host:set-fault', async (payload) => {
      const { nodeId, fault } = parse(SetFaultPayload, payload, 'host:set-fault')
      return { nodeId, fault, effective: await service.setFault(host(socket), nodeId, fault) }
    })
    on('host:lock', async (payload) => {
      const { locked } = parse(LockPayload, payload, 'host:lock')
      await service.setLocked(host(socket), locked)
      return { locked }
    })
    on('host:kick', async (payload) => {
      const { nodeId } = parse(KickPayload, payload, 'host:kick')
      await service.kick(host(socket), nodeId)
      return { nodeId }
    })
    on('host:set-bot-takeover', async (payload) => {
      const { botTakeover } = parse(SetBotTakeoverPayload, payload, 'host:set-bot-takeover')
      await service.setBotTakeover(host(socket), botTakeover)
      return { botTakeover }
    })
    on('replica:act', async (payload) => {
      const { nodeId, ...choice } = parse(ActPayload, payload, 'replica:act') ?? {}
      const me = seat(socket, nodeId)
      const deviates = choice.value !== undefined || choice.values !== undefined || choice.tamper !== undefined
      return { nodeId: me.nodeId, sent: await service.act(me.sessionId, me, deviates ? choice : undefined) }
    })
    on('replica:skip', async (payload) => {
      const { nodeId } = parse(SkipPayload, payload, 'replica:skip') ?? {}
      const me = seat(socket, nodeId)
      await service.skip(me.sessionId, me)
      return { nodeId: me.nodeId }
    })
    on('seat:claim', async (payload) => {
      const request = parse(ClaimPayload, payload, 'seat:claim') ?? {}
      const role = socket.data.role
      if (role.kind !== 'guest' || role.sessionId === null) {
        throw new SessionError('FORBIDDEN', role.kind === 'seat' ? `this socket holds seat ${role.nodeId} already` : 'connect with { sessionId } to claim a seat')
      }
      const claimed = await service.claimSeat(role.sessionId, request)
      socket.data.role = { kind: 'seat', sessionId: role.sessionId, ...service.seatForToken(role.sessionId, claimed.seatToken) }
      enter(socket)
      return claimed
    })
    on('session:sync', (payload) => {
      parse(EmptyPayload, payload, 'session:sync')
      sync(socket)
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
  }
}
