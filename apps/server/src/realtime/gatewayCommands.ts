import {
  ActPayload,
  AllowSeatPayload,
  ClaimPayload,
  EmptyPayload,
  KickPayload,
  LockPayload,
  SetBotTakeoverPayload,
  SetDeliveryRatePayload,
  SetFaultPayload,
  SetIdleBotPayload,
  SetQuorumRulePayload,
  SkipPayload,
  StartRoundPayload,
  type ClientToServerEvents,
  type HostView,
  type ReplicaView,
  type SessionInfo,
} from '@pbft/protocol'
import type { z } from 'zod'
import { SessionError } from '../sessions/errors'
import type { SeatCredential, SessionService } from '../sessions/sessionService'
import { sessionInfo } from '../sessions/views'

/**
 * What sockets ask of their session, as commands that run where the session is: in this
 * process, or (cluster) on the session's owner. The socket's side (rooms, emits, rate limits)
 * stays in gateway.ts.
 */

/** What a socket is allowed to be, fixed by its handshake (a guest becomes a seat by claiming one). */
export type SocketRole =
  | { kind: 'host'; sessionId: string }
  | ({ kind: 'seat'; sessionId: string } & SeatCredential)
  | { kind: 'guest'; sessionId: string | null }

/**
 * What a socket asks of its session, as JSON: the socket's side (rooms, emits, rate limits)
 * stays where the socket is, and the command runs where the session is.
 */
export type GatewayCommand =
  | { kind: 'auth'; sessionId: string; hostToken?: string; seatToken?: string }
  | { kind: 'enter'; role: SocketRole; connection: string }
  | { kind: 'leave'; role: SocketRole; connection: string }
  | { kind: 'sync'; role: SocketRole }
  | { kind: 'event'; event: SessionEvent; role: SocketRole; payload: unknown; client?: string }

/** The state a socket receives on connect and on `session:sync`. */
export interface SessionSnapshot {
  info: SessionInfo
  host?: HostView
  replica?: ReplicaView
}

/** An event's acknowledgement, and the socket's new role when the event changed it (a claim). */
export interface EventResult {
  ack: object
  role?: SocketRole
}

/** Client events that act on a session (run by its owner); the others only touch the socket. */
export const SESSION_EVENTS = [
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
  'seat:claim',
] as const satisfies readonly EventName[]
export type SessionEvent = (typeof SESSION_EVENTS)[number]

export type EventName = keyof ClientToServerEvents

/** Every event a client may send; anything else is answered UNKNOWN_EVENT. */
export const KNOWN_EVENTS = new Set<string>([...SESSION_EVENTS, 'session:sync', 'experiment:watch', 'experiment:unwatch'] satisfies EventName[])

/** Parses an event's payload, or refuses it as VALIDATION naming the field. */
export function parse<S extends z.ZodType>(schema: S, payload: unknown, event: string): z.output<S> {
  const parsed = schema.safeParse(payload)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = issue && issue.path.length > 0 ? `.${issue.path.map(String).join('.')}` : ''
  throw new SessionError('VALIDATION', `${event}${path}: ${issue?.message ?? 'invalid payload'}`)
}

export function sessionOf(role: SocketRole): string {
  if (role.sessionId === null) throw new SessionError('FORBIDDEN', 'connect with { sessionId } first')
  return role.sessionId
}

/** The role's host session, or FORBIDDEN. */
function host(role: SocketRole): string {
  if (role.kind !== 'host') throw new SessionError('FORBIDDEN', 'only the host may do this (connect with the host token)')
  return role.sessionId
}

/** The role's own seat; a `nodeId` naming another seat is refused: a seat token acts for its seat only. */
function seat(role: SocketRole, nodeId: number | undefined): { sessionId: string } & SeatCredential {
  if (role.kind !== 'seat') throw new SessionError('FORBIDDEN', 'only a seat holder may act (connect with a seat token)')
  if (nodeId !== undefined && nodeId !== role.nodeId) {
    throw new SessionError('FORBIDDEN', `this socket holds seat ${role.nodeId}, not seat ${nodeId}`)
  }
  return role
}

function snapshot(service: SessionService, role: SocketRole): SessionSnapshot {
  const sessionId = sessionOf(role)
  const result: SessionSnapshot = { info: sessionInfo(service.get(sessionId)) }
  if (role.kind === 'host') result.host = service.hostView(sessionId)
  if (role.kind === 'seat') result.replica = service.replicaView(sessionId, role.nodeId)
  return result
}

/**
 * Runs a gateway command against the local session service: the socket's process calls it
 * directly, and in a cluster the session's owner calls it for commands forwarded to it.
 */
export function runGatewayCommand(service: SessionService, command: GatewayCommand): unknown {
  switch (command.kind) {
    case 'auth': {
      const session = service.get(command.sessionId)
      if (command.hostToken !== undefined) {
        service.checkHost(session.id, command.hostToken)
        return { kind: 'host', sessionId: session.id } satisfies SocketRole
      }
      if (command.seatToken !== undefined) {
        return { kind: 'seat', sessionId: session.id, ...service.seatForToken(session.id, command.seatToken) } satisfies SocketRole
      }
      return { kind: 'guest', sessionId: session.id } satisfies SocketRole
    }
    case 'enter': {
      const role = command.role
      // A host's room trace deltas are brought up to date first, so the next delta starts
      // where this socket's full view ends.
      if (role.kind === 'host') service.flushViews(role.sessionId)
      if (role.kind === 'seat') service.seatConnected(role.sessionId, role, command.connection)
      return snapshot(service, role)
    }
    case 'leave':
      if (command.role.kind === 'seat') service.seatDisconnected(command.role.sessionId, command.role.nodeId, command.connection)
      return {}
    case 'sync':
      return snapshot(service, command.role)
    case 'event':
      return runEvent(service, command.event, command.role, command.payload, command.client)
  }
}

async function runEvent(service: SessionService, event: SessionEvent, role: SocketRole, payload: unknown, client?: string): Promise<EventResult> {
  switch (event) {
    case 'host:start-round': {
      const { seed } = parse(StartRoundPayload, payload, event) ?? {}
      return { ack: await service.startRound(host(role), seed) }
    }
    case 'host:next-phase':
      parse(EmptyPayload, payload, event)
      return { ack: { phase: await service.nextPhase(host(role)) } }
    case 'host:reset-round':
      parse(EmptyPayload, payload, event)
      return { ack: { aborted: await service.resetRound(host(role)) } }
    case 'host:set-delivery-rate': {
      const { messageDeliveryRate } = parse(SetDeliveryRatePayload, payload, event)
      await service.setDeliveryRate(host(role), messageDeliveryRate)
      return { ack: { messageDeliveryRate } }
    }
    case 'host:set-fault': {
      const { nodeId, fault } = parse(SetFaultPayload, payload, event)
      return { ack: { nodeId, fault, effective: await service.setFault(host(role), nodeId, fault) } }
    }
    case 'host:lock': {
      const { locked } = parse(LockPayload, payload, event)
      await service.setLocked(host(role), locked)
      return { ack: { locked } }
    }
    case 'host:kick': {
      const { nodeId } = parse(KickPayload, payload, event)
      await service.kick(host(role), nodeId)
      return { ack: { nodeId } }
    }
    case 'host:allow-seat': {
      const { nodeId } = parse(AllowSeatPayload, payload, event)
      return { ack: { nodeId, allowed: await service.allowSeat(host(role), nodeId) } }
    }
    case 'host:set-bot-takeover': {
      const { botTakeover } = parse(SetBotTakeoverPayload, payload, event)
      await service.setBotTakeover(host(role), botTakeover)
      return { ack: { botTakeover } }
    }
    case 'host:set-quorum-rule': {
      const { quorumRule } = parse(SetQuorumRulePayload, payload, event)
      return { ack: { quorumRule, effective: await service.setQuorumRule(host(role), quorumRule) } }
    }
    case 'host:set-idle-bot': {
      const { idleBotAfterMs } = parse(SetIdleBotPayload, payload, event)
      await service.setIdleBot(host(role), idleBotAfterMs)
      return { ack: { idleBotAfterMs } }
    }
    case 'replica:act': {
      const { nodeId, ...choice } = parse(ActPayload, payload, event) ?? {}
      const me = seat(role, nodeId)
      const deviates = choice.value !== undefined || choice.values !== undefined || choice.tamper !== undefined
      return { ack: { nodeId: me.nodeId, sent: await service.act(me.sessionId, me, deviates ? choice : undefined) } }
    }
    case 'replica:skip': {
      const { nodeId } = parse(SkipPayload, payload, event) ?? {}
      const me = seat(role, nodeId)
      await service.skip(me.sessionId, me)
      return { ack: { nodeId: me.nodeId } }
    }
    case 'seat:claim': {
      const request = parse(ClaimPayload, payload, event) ?? {}
      if (role.kind !== 'guest' || role.sessionId === null) {
        throw new SessionError('FORBIDDEN', role.kind === 'seat' ? `this socket holds seat ${role.nodeId} already` : 'connect with { sessionId } to claim a seat')
      }
      const claimed = await service.claimSeat(role.sessionId, request, client)
      return { ack: claimed, role: { kind: 'seat', sessionId: role.sessionId, ...service.seatForToken(role.sessionId, claimed.seatToken) } }
    }
  }
}
