import {
  ActPayload,
  AllowSeatPayload,
  ClaimPayload,
  ClientRequestPayload,
  EmptyPayload,
  experimentRoom,
  ExperimentWatchPayload,
  KickPayload,
  LockPayload,
  NewViewPayload,
  SetBotTakeoverPayload,
  SetIdleBotPayload,
  SetQuorumRulePayload,
  SetDeliveryRatePayload,
  SetFaultPayload,
  SkipPayload,
  SocketAuth,
  StartRoundPayload,
  ViewChangePayload,
  type Ack,
  type ClientToServerEvents,
  type SocketError,
} from '@pbft/protocol'
import fp from 'fastify-plugin'
import type { z } from 'zod'
import { DomainError } from '../errors/domainError'
import { INTERNAL, refusal } from '../errors/refusals'
import type { LookupLimiter } from '../http/clientLimits'
import type { SessionAction, SessionRole } from '../sessions/sessionCommands'
import type { SessionService } from '../sessions/sessionService'
import type { CommandRunner } from '../sessions/sessionCommands'
import { Admissions } from './admissions'
import { TokenBucket } from './rateLimit'
import type { SlicedQueue } from './slicedQueue'
import type { IoServer, IoSocket } from './socketServer'

export interface GatewayOptions {
  /** Events per second per socket (default 20) and the burst allowed (default 40). */
  ratePerSecond?: number
  burst?: number
  log?: { error(message: string): void }
}

type EventName = keyof ClientToServerEvents

/** Every event a client may send; anything else is answered UNKNOWN_EVENT. */
const KNOWN_EVENTS = new Set<string>([
  'host:start-round',
  'host:next-phase',
  'host:reset-round',
  'host:set-delivery-rate',
  'host:set-fault',
  'host:lock',
  'host:kick',
  'host:allow-seat',
  'host:set-bot-takeover',
  'host:set-quorum-rule',
  'host:set-idle-bot',
  'replica:act',
  'replica:skip',
  'host:next-view',
  'replica:view-change',
  'replica:new-view',
  'client:request',
  'seat:claim',
  'session:sync',
  'experiment:watch',
  'experiment:unwatch',
] satisfies EventName[])

/** Parses an event's payload, or refuses it as VALIDATION naming the field. */
function parse<S extends z.ZodType>(schema: S, payload: unknown, event: string): z.output<S> {
  const parsed = schema.safeParse(payload)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = issue && issue.path.length > 0 ? `.${issue.path.map(String).join('.')}` : ''
  throw new DomainError('VALIDATION', `${event}${path}: ${issue?.message ?? 'invalid payload'}`)
}

/** A refusal as a socket receives it; anything that is not one is logged and answered INTERNAL. */
export function toSocketError(error: unknown, log: GatewayOptions['log'], event: string): SocketError {
  if (error instanceof DomainError) return refusal(error)
  log?.error(`socket event ${event} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  return INTERNAL
}

interface GatewayDeps extends GatewayOptions {
  io: IoServer
  sessions: SessionService
  /** Runs session commands where the session is (this process, or its owner in a cluster). */
  commands: CommandRunner
  /** Unknown session codes per client address, shared with the REST routes. */
  lookups: LookupLimiter
  admissions: SlicedQueue
}

/**
 * The Socket.IO side of a session, and nothing else: who a socket is (handshake), which rooms
 * it is in (see Admissions), and one handler per client event that rate-limits, parses the
 * payload with its schema and hands the session a command (sessions/sessionCommands.ts, where
 * roles are checked). It holds no session state of its own.
 */
export function attachGateway(deps: GatewayDeps): void {
  const { io, sessions, commands, lookups, log } = deps
  const rate = deps.ratePerSecond ?? 20
  const burst = deps.burst ?? 40
  const admissions = new Admissions(deps.admissions, commands)

  io.use((socket, next) => {
    const refuse = (error: unknown): void => {
      const data = toSocketError(error, log, 'connect')
      next(Object.assign(new Error(data.message), { data }))
    }
    try {
      // The handshake's role, or a refusal the client receives as its connect_error's `data`.
      const { sessionId, hostToken, seatToken } = parse(SocketAuth, socket.handshake.auth ?? {}, 'auth')
      const accept = (role: SessionRole): void => {
        socket.data.role = role
        socket.data.bucket = new TokenBucket(rate, burst)
        socket.data.entered = false
        next()
      }
      if (sessionId === undefined) return accept({ kind: 'guest', sessionId: null })
      // A code that does not exist counts against the client's lookups (see LookupLimiter).
      const client = socket.handshake.address
      lookups.check(client)
      const refuseLookup = (error: unknown): void => {
        if (error instanceof DomainError && error.code === 'NOT_FOUND') lookups.miss(client)
        refuse(error)
      }
      // A stored session is read from the store the first time it is used (see SessionCatalog).
      sessions
        .ensure(sessionId)
        .then(() => commands.run(sessionId, { kind: 'auth', sessionId, hostToken, seatToken }))
        .then(accept, refuseLookup)
    } catch (error) {
      refuse(error)
    }
  })

  io.on('connection', (socket) => {
    let cancelAdmission: () => void = () => undefined
    socket.on('disconnect', () => {
      cancelAdmission()
      const role = socket.data.role
      // A socket that never entered was never counted online: nothing to undo.
      if (role.kind !== 'seat' || !socket.data.entered) return
      const left = commands.run(role.sessionId, { kind: 'leave', role, connection: socket.id })
      // Forwarded: the owner may be gone or the session deleted; nothing to tell anyone.
      if (left instanceof Promise) left.catch(() => undefined)
    })
    registerHandlers(socket)
    const admission = admissions.admit(socket)
    cancelAdmission = admission.cancel
    admission.entered.catch((error: unknown) => {
      // The session was deleted (or the seat kicked) between the handshake and now.
      socket.emit('error', { ...toSocketError(error, log, 'connect'), event: 'connect' })
      socket.disconnect(true)
    })
  })

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
          if (!socket.data.bucket.take()) throw new DomainError('RATE_LIMITED', 'too many events: slow down')
          const result = await handler(payload)
          ack?.({ ok: true, ...result })
        } catch (error) {
          const failure = toSocketError(error, log, event)
          if (ack) ack({ ok: false, error: failure })
          else socket.emit('error', { ...failure, event })
        }
      }
      ;(socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }).on(event, (...args) => void listener(...args))
    }

    /** Hands a parsed action to the session; a claim changes the socket's role. */
    const act = async (action: SessionAction): Promise<object> => {
      const role = socket.data.role
      const result = await commands.run(role.sessionId, { kind: 'act', role, action, client: socket.handshake.address })
      if (result.role) {
        // A claimed seat: the socket now holds it, joins its room and receives its view (in
        // its turn: a class claims its seats all at once), then the claim is acknowledged.
        socket.data.role = result.role
        await admissions.admit(socket).entered
      }
      return result.ack
    }

    on('host:start-round', (payload) => act({ event: 'host:start-round', payload: parse(StartRoundPayload, payload, 'host:start-round') }))
    on('host:next-phase', (payload) => {
      parse(EmptyPayload, payload, 'host:next-phase')
      return act({ event: 'host:next-phase' })
    })
    on('host:reset-round', (payload) => {
      parse(EmptyPayload, payload, 'host:reset-round')
      return act({ event: 'host:reset-round' })
    })
    on('host:set-delivery-rate', (payload) => act({ event: 'host:set-delivery-rate', payload: parse(SetDeliveryRatePayload, payload, 'host:set-delivery-rate') }))
    on('host:set-fault', (payload) => act({ event: 'host:set-fault', payload: parse(SetFaultPayload, payload, 'host:set-fault') }))
    on('host:lock', (payload) => act({ event: 'host:lock', payload: parse(LockPayload, payload, 'host:lock') }))
    on('host:kick', (payload) => act({ event: 'host:kick', payload: parse(KickPayload, payload, 'host:kick') }))
    on('host:allow-seat', (payload) => act({ event: 'host:allow-seat', payload: parse(AllowSeatPayload, payload, 'host:allow-seat') }))
    on('host:set-bot-takeover', (payload) => act({ event: 'host:set-bot-takeover', payload: parse(SetBotTakeoverPayload, payload, 'host:set-bot-takeover') }))
    on('host:set-quorum-rule', (payload) => act({ event: 'host:set-quorum-rule', payload: parse(SetQuorumRulePayload, payload, 'host:set-quorum-rule') }))
    on('host:set-idle-bot', (payload) => act({ event: 'host:set-idle-bot', payload: parse(SetIdleBotPayload, payload, 'host:set-idle-bot') }))
    on('replica:act', (payload) => act({ event: 'replica:act', payload: parse(ActPayload, payload, 'replica:act') }))
    on('replica:skip', (payload) => act({ event: 'replica:skip', payload: parse(SkipPayload, payload, 'replica:skip') }))
    on('host:next-view', (payload) => {
      parse(EmptyPayload, payload, 'host:next-view')
      return act({ event: 'host:next-view' })
    })
    on('replica:view-change', (payload) => act({ event: 'replica:view-change', payload: parse(ViewChangePayload, payload, 'replica:view-change') }))
    on('replica:new-view', (payload) => act({ event: 'replica:new-view', payload: parse(NewViewPayload, payload, 'replica:new-view') }))
    on('client:request', (payload) => act({ event: 'client:request', payload: parse(ClientRequestPayload, payload, 'client:request') }))
    on('seat:claim', (payload) => act({ event: 'seat:claim', payload: parse(ClaimPayload, payload, 'seat:claim') }))
    on('session:sync', async (payload) => {
      parse(EmptyPayload, payload, 'session:sync')
      const role = socket.data.role
      if (role.sessionId !== null) admissions.send(socket, await commands.run(role.sessionId, { kind: 'sync', role }))
      return {}
    })
    on('experiment:watch', async (payload) => {
      await socket.join(experimentRoom(parse(ExperimentWatchPayload, payload, 'experiment:watch').id))
      return {}
    })
    on('experiment:unwatch', async (payload) => {
      await socket.leave(experimentRoom(parse(ExperimentWatchPayload, payload, 'experiment:unwatch').id))
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

/**
 * The gateway, once the socket server, the session service, the cluster (or none) and the
 * client limits exist: sockets are served only after every collaborator is built.
 */
export const gateway = fp<GatewayOptions>(
  async (app, options) => {
    attachGateway({
      ...options,
      io: app.io,
      sessions: app.sessions,
      commands: app.sessionCommands,
      lookups: app.clientLimits.lookups,
      admissions: app.socketAdmissions,
    })
  },
  {
    fastify: '5.x',
    name: 'pbft-gateway',
    dependencies: ['pbft-socket-server', 'pbft-sessions', 'pbft-cluster', 'pbft-client-limits'],
    decorators: { fastify: ['io', 'sessions', 'sessionCommands', 'clientLimits', 'socketAdmissions'] },
  },
)
