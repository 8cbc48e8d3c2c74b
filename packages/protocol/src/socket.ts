import { z } from 'zod'
import { ExperimentId, type ExperimentFinishedEvent, type ExperimentProgressEvent } from './experimentApi'
import { QuorumRule } from './quorumRule'
import type { HostView, ReplicaView } from './replicaViews'
import {
  ByzantineChoice,
  FaultKind,
  IdleBotAfterMs,
  LivePhase,
  ReplicaId,
  RoundOutcome,
  SESSION_LIMITS,
  SessionId,
  SessionInfo,
  type AssignNodeResponse,
} from './session'

/**
 * Socket.IO events of a live session, named by direction (`host:*`, `replica:*`, `seat:*`
 * from clients; `*:view`, `session:update`, `round:outcome` from the server). Every client
 * payload has a schema here; every client event takes an acknowledgement callback that gets
 * `{ ok: true, ... }` or `{ ok: false, error: { code, message } }`.
 */

/** Path the Socket.IO server listens on. */
export const SOCKET_PATH = '/socket.io'

/**
 * Handshake `auth`: a host token makes the socket the session's dashboard, a seat token
 * makes it that seat's phone; with neither, the socket may only claim a seat or watch experiments.
 */
export const SocketAuth = z
  .object({
    sessionId: SessionId.optional(),
    hostToken: z.string().min(1).max(200).optional(),
    seatToken: z.string().min(1).max(200).optional(),
  })
  .refine((auth) => !(auth.hostToken !== undefined && auth.seatToken !== undefined), {
    error: 'send either hostToken or seatToken, not both',
  })
  .refine((auth) => auth.sessionId !== undefined || (auth.hostToken === undefined && auth.seatToken === undefined), {
    error: 'a token needs its sessionId',
  })
export type SocketAuth = z.input<typeof SocketAuth>

/** An event without parameters; `{}`, nothing or null all do. */
const Empty = z.object({}).nullish()

export const StartRoundPayload = z
  .object({
    /** Replays a known round; a fresh random seed otherwise. */
    seed: z.int().min(0).max(0xffffffff).optional(),
  })
  .nullish()
export const SetDeliveryRatePayload = z.object({ messageDeliveryRate: z.number().min(0).max(100) })
export const SetFaultPayload = z.object({ nodeId: ReplicaId, fault: FaultKind })
export const LockPayload = z.object({ locked: z.boolean() })
export const KickPayload = z.object({ nodeId: ReplicaId })
/** Lets the holders kicked from this seat claim again. */
export const AllowSeatPayload = z.object({ nodeId: ReplicaId })
export const SetBotTakeoverPayload = z.object({ botTakeover: z.boolean() })
/** The session's quorum rule: from the next round on (a running round keeps its own). */
export const SetQuorumRulePayload = z.object({ quorumRule: QuorumRule })
/** A bot plays for a seat whose human did not act within `idleBotAfterMs` (null: off). */
export const SetIdleBotPayload = z.object({ idleBotAfterMs: IdleBotAfterMs })
/** `nodeId`, when sent, must be the socket's own seat: a seat token acts for its seat only. */
export const ActPayload = ByzantineChoice.extend({ nodeId: ReplicaId.optional() }).nullish()
export const SkipPayload = z.object({ nodeId: ReplicaId.optional() }).nullish()
/**
 * `replica:view-change` (appended with views): ask for a new primary. Allowed to a seat whose
 * view timer expired: in phase `view-change` when its VIEW-CHANGE is due, or in a normal-case
 * phase once the view's deadline passed (the view then ends for everyone: every timer expired).
 */
export const ViewChangePayload = z.object({ nodeId: ReplicaId.optional() }).nullish()
/**
 * `replica:new-view` (appended with views): the primary of the new view sends NEW-VIEW, in phase
 * `new-view`. An honest one sends what the protocol says (choices are refused NOT_BYZANTINE); a
 * Byzantine one may choose `value`/`values` (another value: honest backups refuse it) and the set
 * V (`viewChanges`, `viewChangesFor`), and tamper if the session allows it.
 */
export const NewViewPayload = ByzantineChoice.extend({ nodeId: ReplicaId.optional() }).nullish()
/** `client:request` (appended with views): the client's seat sends the REQUEST (phase `request`). */
export const ClientRequestPayload = z.object({ nodeId: ReplicaId.optional() }).nullish()
export const ClaimPayload = z
  .object({
    nodeId: ReplicaId.optional(),
    name: z.string().trim().min(1).max(SESSION_LIMITS.maxNameLength).optional(),
  })
  .nullish()
export const ExperimentWatchPayload = z.object({ id: ExperimentId })

export const SocketError = z.object({ code: z.string(), message: z.string() })
export type SocketError = z.infer<typeof SocketError>

/** What every acknowledgement carries. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: SocketError }
export type AckCallback<T extends object = object> = (response: Ack<T>) => void

export const SeatKicked = z.object({ sessionId: z.string(), nodeId: z.int(), reason: z.string() })
export type SeatKicked = z.infer<typeof SeatKicked>

type Payload<S extends z.ZodType> = z.input<S>

export interface ClientToServerEvents {
  'host:start-round': (payload: Payload<typeof StartRoundPayload>, ack: AckCallback<{ round: number; seed: number }>) => void
  'host:next-phase': (payload: Payload<typeof Empty>, ack: AckCallback<{ phase: z.infer<typeof LivePhase> | null }>) => void
  'host:reset-round': (payload: Payload<typeof Empty>, ack: AckCallback<{ aborted: number | null }>) => void
  'host:set-delivery-rate': (payload: Payload<typeof SetDeliveryRatePayload>, ack: AckCallback<{ messageDeliveryRate: number }>) => void
  /** Takes effect from the next round: a running round keeps the faults it started with. */
  'host:set-fault': (payload: Payload<typeof SetFaultPayload>, ack: AckCallback<{ nodeId: number; fault: FaultKind; effective: 'now' | 'next-round' }>) => void
  'host:lock': (payload: Payload<typeof LockPayload>, ack: AckCallback<{ locked: boolean }>) => void
  /** Revokes the seat's token and bars its holder from claiming again until `host:allow-seat`. */
  'host:kick': (payload: Payload<typeof KickPayload>, ack: AckCallback<{ nodeId: number }>) => void
  /** Lifts the bars of the holders kicked from this seat; `allowed` counts them. */
  'host:allow-seat': (payload: Payload<typeof AllowSeatPayload>, ack: AckCallback<{ nodeId: number; allowed: number }>) => void
  'host:set-bot-takeover': (payload: Payload<typeof SetBotTakeoverPayload>, ack: AckCallback<{ botTakeover: boolean }>) => void
  /** From the next round on; `effective` says whether a round is running (it keeps its rule). */
  'host:set-quorum-rule': (payload: Payload<typeof SetQuorumRulePayload>, ack: AckCallback<{ quorumRule: QuorumRule; effective: 'now' | 'next-round' }>) => void
  /** From the next phase on (a phase already open keeps the timers it has). */
  'host:set-idle-bot': (payload: Payload<typeof SetIdleBotPayload>, ack: AckCallback<{ idleBotAfterMs: number | null }>) => void
  /**
   * Sends what the open phase asks of this seat (`action` in its view): PRE-PREPARE, PREPARE,
   * COMMIT, and with views VIEW-CHANGE and NEW-VIEW too (the dedicated events below refuse a
   * phase they are not for).
   */
  'replica:act': (payload: Payload<typeof ActPayload>, ack: AckCallback<{ nodeId: number; sent: number }>) => void
  /** The host forces the next view now (appended with views); in the last view allowed, the round ends. */
  'host:next-view': (payload: Payload<typeof Empty>, ack: AckCallback<{ view: number; phase: z.infer<typeof LivePhase> }>) => void
  /** Ask for a new primary: this seat's VIEW-CHANGE (see ViewChangePayload). */
  'replica:view-change': (payload: Payload<typeof ViewChangePayload>, ack: AckCallback<{ nodeId: number; view: number; sent: number }>) => void
  /** The new primary's NEW-VIEW (see NewViewPayload). */
  'replica:new-view': (payload: Payload<typeof NewViewPayload>, ack: AckCallback<{ nodeId: number; view: number; sent: number }>) => void
  /** The client's REQUEST, from the seat that plays the client. */
  'client:request': (payload: Payload<typeof ClientRequestPayload>, ack: AckCallback<{ nodeId: number; sent: number }>) => void
  'replica:skip': (payload: Payload<typeof SkipPayload>, ack: AckCallback<{ nodeId: number }>) => void
  /** Claims a seat and turns this socket into that seat's (alternative to REST assign-node). */
  'seat:claim': (payload: Payload<typeof ClaimPayload>, ack: AckCallback<AssignNodeResponse>) => void
  /** Re-sends this socket's full view (`host:view` with the whole trace, or `replica:view`). */
  'session:sync': (payload: Payload<typeof Empty>, ack: AckCallback) => void
  'experiment:watch': (payload: Payload<typeof ExperimentWatchPayload>, ack: AckCallback) => void
  'experiment:unwatch': (payload: Payload<typeof ExperimentWatchPayload>, ack: AckCallback) => void
}

export interface ServerToClientEvents {
  'session:update': (info: SessionInfo) => void
  'host:view': (view: HostView) => void
  'replica:view': (view: ReplicaView) => void
  'seat:kicked': (info: SeatKicked) => void
  'round:outcome': (outcome: RoundOutcome) => void
  /** A failed event sent without an acknowledgement callback. */
  error: (error: SocketError & { event: string }) => void
  /** To room `experimentRoom(id)` (clients join it with `experiment:watch`). */
  'experiment:progress': (progress: ExperimentProgressEvent) => void
  'experiment:finished': (record: ExperimentFinishedEvent) => void
}

export const EmptyPayload = Empty
