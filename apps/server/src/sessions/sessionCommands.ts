import type {
  ActPayload,
  AllowSeatPayload,
  ByzantineChoice,
  ClaimPayload,
  ClientRequestPayload,
  HostView,
  KickPayload,
  LockPayload,
  NewViewPayload,
  ReplicaView,
  SessionInfo,
  SetBotTakeoverPayload,
  SetIdleBotPayload,
  SetQuorumRulePayload,
  SetDeliveryRatePayload,
  SetFaultPayload,
  SkipPayload,
  StartRoundPayload,
  ViewChangePayload,
} from '@pbft/protocol'
import type { z } from 'zod'
import { SessionError } from './errors'
import type { SeatCredential, SessionService } from './sessionService'
import { sessionInfo } from './views'

/**
 * What a connected client asks of its session, as commands that run where the session is: in
 * this process, or (cluster) on the session's owner, which receives them as JSON. A command
 * carries payloads already parsed by the transport's schemas (the socket gateway parses at
 * its edge), and its caller's role; who may do what is checked here, once, whichever
 * transport or instance the command came through.
 */

/** Who the caller is, fixed by its handshake (a guest becomes a seat by claiming one). */
export type SessionRole =
  | { kind: 'host'; sessionId: string }
  | ({ kind: 'seat'; sessionId: string } & SeatCredential)
  | { kind: 'guest'; sessionId: string | null }

/** What the protocol's schema of a payload lets through. */
type Parsed<S extends z.ZodType> = z.output<S>

/**
 * A client action on a session: the client event's name and its payload as the protocol's
 * schema parsed it (events without parameters carry none).
 */
export type SessionAction =
  | { event: 'host:start-round'; payload: Parsed<typeof StartRoundPayload> }
  | { event: 'host:next-phase' }
  | { event: 'host:reset-round' }
  | { event: 'host:set-delivery-rate'; payload: Parsed<typeof SetDeliveryRatePayload> }
  | { event: 'host:set-fault'; payload: Parsed<typeof SetFaultPayload> }
  | { event: 'host:lock'; payload: Parsed<typeof LockPayload> }
  | { event: 'host:kick'; payload: Parsed<typeof KickPayload> }
  | { event: 'host:allow-seat'; payload: Parsed<typeof AllowSeatPayload> }
  | { event: 'host:set-bot-takeover'; payload: Parsed<typeof SetBotTakeoverPayload> }
  | { event: 'host:set-quorum-rule'; payload: Parsed<typeof SetQuorumRulePayload> }
  | { event: 'host:set-idle-bot'; payload: Parsed<typeof SetIdleBotPayload> }
  | { event: 'replica:act'; payload: Parsed<typeof ActPayload> }
  | { event: 'replica:skip'; payload: Parsed<typeof SkipPayload> }
  | { event: 'host:next-view' }
  | { event: 'replica:view-change'; payload: Parsed<typeof ViewChangePayload> }
  | { event: 'replica:new-view'; payload: Parsed<typeof NewViewPayload> }
  | { event: 'client:request'; payload: Parsed<typeof ClientRequestPayload> }
  | { event: 'seat:claim'; payload: Parsed<typeof ClaimPayload> }

export type SessionEvent = SessionAction['event']

/** A command and the JSON it answers (see CommandResults). */
export type SessionCommand =
  | { kind: 'auth'; sessionId: string; hostToken?: string; seatToken?: string }
  | { kind: 'enter'; role: SessionRole; connection: string }
  | { kind: 'leave'; role: SessionRole; connection: string }
  | { kind: 'sync'; role: SessionRole }
  | { kind: 'act'; role: SessionRole; action: SessionAction; client?: string }

/** What each kind of command answers. */
export interface CommandResults {
  auth: SessionRole
  enter: SessionSnapshot
  leave: Record<string, never>
  sync: SessionSnapshot
  act: Promise<ActionResult>
}

/** The state a client receives on connecting and on `session:sync`. */
export interface SessionSnapshot {
  info: SessionInfo
  host?: HostView
  replica?: ReplicaView
}

/** An action's acknowledgement, and the caller's new role when the action changed it (a claim). */
export interface ActionResult {
  ack: object
  role?: SessionRole
}

/**
 * Runs a command against this process's session service: the gateway calls it for sessions
 * held here, and a session's owner for commands another instance forwarded to it.
 */
export function runSessionCommand<C extends SessionCommand>(service: SessionService, command: C): CommandResults[C['kind']]
export function runSessionCommand(service: SessionService, command: SessionCommand): CommandResults[SessionCommand['kind']] {
  switch (command.kind) {
    case 'auth':
      return authenticate(service, command.sessionId, command.hostToken, command.seatToken)
    case 'enter': {
      const role = command.role
      // A host's room trace deltas are brought up to date first, so the next delta starts
      // where this connection's full view ends.
      if (role.kind === 'host') service.flushViews(role.sessionId)
      if (role.kind === 'seat') service.seatConnected(role.sessionId, role, command.connection)
      return snapshot(service, role)
    }
    case 'leave':
      if (command.role.kind === 'seat') service.seatDisconnected(command.role.sessionId, command.role.nodeId, command.connection)
      return {}
    case 'sync':
      return snapshot(service, command.role)
    case 'act':
      return runAction(service, command.role, command.action, command.client)
  }
}

/** The role a handshake's tokens give in a session (401/403 for a wrong host token, 403 for a revoked seat token). */
function authenticate(service: SessionService, sessionId: string, hostToken?: string, seatToken?: string): SessionRole {
  const session = service.get(sessionId)
  if (hostToken !== undefined) {
    service.checkHost(session.id, hostToken)
    return { kind: 'host', sessionId: session.id }
  }
  if (seatToken !== undefined) return { kind: 'seat', sessionId: session.id, ...service.seatForToken(session.id, seatToken) }
  return { kind: 'guest', sessionId: session.id }
}

function snapshot(service: SessionService, role: SessionRole): SessionSnapshot {
  if (role.sessionId === null) throw new SessionError('FORBIDDEN', 'connect with { sessionId } first')
  const result: SessionSnapshot = { info: sessionInfo(service.get(role.sessionId)) }
  if (role.kind === 'host') result.host = service.hostView(role.sessionId)
  if (role.kind === 'seat') result.replica = service.replicaView(role.sessionId, role.nodeId)
  return result
}

/** The role's host session, or FORBIDDEN. */
function host(role: SessionRole): string {
  if (role.kind !== 'host') throw new SessionError('FORBIDDEN', 'only the host may do this (connect with the host token)')
  return role.sessionId
}

/** The role's own seat; a `nodeId` naming another seat is refused: a seat token acts for its seat only. */
function seat(role: SessionRole, nodeId: number | undefined): { sessionId: string } & SeatCredential {
  if (role.kind !== 'seat') throw new SessionError('FORBIDDEN', 'only a seat holder may act (connect with a seat token)')
  if (nodeId !== undefined && nodeId !== role.nodeId) {
    throw new SessionError('FORBIDDEN', `this socket holds seat ${role.nodeId}, not seat ${nodeId}`)
  }
  return role
}

/** A choice that says something, or undefined (an empty one is the honest move). */
function chosen(choice: ByzantineChoice): ByzantineChoice | undefined {
  return Object.values(choice).some((value) => value !== undefined) ? choice : undefined
}

async function runAction(service: SessionService, role: SessionRole, action: SessionAction, client?: string): Promise<ActionResult> {
  switch (action.event) {
    case 'host:start-round':
      return { ack: await service.startRound(host(role), action.payload?.seed) }
    case 'host:next-phase':
      return { ack: { phase: await service.nextPhase(host(role)) } }
    case 'host:reset-round':
      return { ack: { aborted: await service.resetRound(host(role)) } }
    case 'host:set-delivery-rate': {
      const { messageDeliveryRate } = action.payload
      await service.setDeliveryRate(host(role), messageDeliveryRate)
      return { ack: { messageDeliveryRate } }
    }
    case 'host:set-fault': {
      const { nodeId, fault } = action.payload
      return { ack: { nodeId, fault, effective: await service.setFault(host(role), nodeId, fault) } }
    }
    case 'host:lock': {
      const { locked } = action.payload
      await service.setLocked(host(role), locked)
      return { ack: { locked } }
    }
    case 'host:kick': {
      const { nodeId } = action.payload
      await service.kick(host(role), nodeId)
      return { ack: { nodeId } }
    }
    case 'host:allow-seat': {
      const { nodeId } = action.payload
      return { ack: { nodeId, allowed: await service.allowSeat(host(role), nodeId) } }
    }
    case 'host:set-bot-takeover': {
      const { botTakeover } = action.payload
      await service.setBotTakeover(host(role), botTakeover)
      return { ack: { botTakeover } }
    }
    case 'host:set-quorum-rule': {
      const { quorumRule } = action.payload
      return { ack: { quorumRule, effective: await service.setQuorumRule(host(role), quorumRule) } }
    }
    case 'host:set-idle-bot': {
      const { idleBotAfterMs } = action.payload
      await service.setIdleBot(host(role), idleBotAfterMs)
      return { ack: { idleBotAfterMs } }
    }
    case 'replica:act': {
      const { nodeId, ...choice } = action.payload ?? {}
      const me = seat(role, nodeId)
      return { ack: { nodeId: me.nodeId, sent: await service.act(me.sessionId, me, chosen(choice)) } }
    }
    case 'host:next-view':
      return { ack: await service.nextView(host(role)) }
    case 'replica:view-change': {
      const me = seat(role, action.payload?.nodeId)
      const { view, sent } = await service.askNewPrimary(me.sessionId, me)
      return { ack: { nodeId: me.nodeId, view, sent } }
    }
    case 'replica:new-view': {
      const { nodeId, ...choice } = action.payload ?? {}
      const me = seat(role, nodeId)
      const { view, sent } = await service.sendNewView(me.sessionId, me, chosen(choice))
      return { ack: { nodeId: me.nodeId, view, sent } }
    }
    case 'client:request': {
      const me = seat(role, action.payload?.nodeId)
      return { ack: { nodeId: me.nodeId, sent: await service.clientRequest(me.sessionId, me) } }
    }
    case 'replica:skip': {
      const me = seat(role, action.payload?.nodeId)
      await service.skip(me.sessionId, me)
      return { ack: { nodeId: me.nodeId } }
    }
    case 'seat:claim': {
      if (role.kind !== 'guest' || role.sessionId === null) {
        throw new SessionError('FORBIDDEN', role.kind === 'seat' ? `this socket holds seat ${role.nodeId} already` : 'connect with { sessionId } to claim a seat')
      }
      const claimed = await service.claimSeat(role.sessionId, action.payload ?? {}, client)
      return { ack: claimed, role: { kind: 'seat', sessionId: role.sessionId, ...service.seatForToken(role.sessionId, claimed.seatToken) } }
    }
  }
}

/** A command's answer: at once when the session is held here, a promise when it ran elsewhere. */
export type CommandAnswer<K extends SessionCommand['kind']> = CommandResults[K] | Promise<Awaited<CommandResults[K]>>

/** Runs session commands where each session is (see `localCommands`, and the cluster's forwarding). */
export interface CommandRunner {
  run<C extends SessionCommand>(sessionId: string | null, command: C): CommandAnswer<C['kind']>
}

/**
 * Every command runs in this process, synchronously where the service call is (a single
 * process, or a session held here).
 */
export function localCommands(service: SessionService): CommandRunner {
  return { run: (_sessionId, command) => runSessionCommand(service, command) }
}
