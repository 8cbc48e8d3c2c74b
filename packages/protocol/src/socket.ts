import { z } from 'zod'
import { ExperimentId, type ExperimentFinishedEvent, type ExperimentProgressEvent } from './experimentApi'
import { QuorumRule } from './quorumRule'
import {
  ByzantineChoice,
  FaultKind,
  IdleBotAfterMs,
  LivePhase,
  MessageCounts,
  Phase,
  PHASES,
  PlayedBy,
  ReplicaId,
  RoundOutcome,
  RoundSets,
  SeatInfo,
  SESSION_LIMITS,
  SessionId,
  SessionInfo,
  SessionStatus,
  StandInReason,
  TracedMessage,
  type AssignNodeResponse,
  type RoundLogEntry,
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

// ---- server → client views ---------------------------------------------------------------

/** The engine's ReplicaSnapshot: a replica's local state and counters. */
export const ReplicaSnapshot = z.object({
  id: z.int(),
  fault: FaultKind,
  primary: z.boolean(),
  acceptedValue: z.string().nullable(),
  prepareSenders: z.array(z.int()),
  commitSenders: z.array(z.int()),
  prepareCount: z.int(),
  commitCount: z.int(),
  /** Matching messages from others needed to prepare: equals prepareQuorum. */
  quorum: z.int(),
  /** How the replica counts votes (appended with the fields below). */
  quorumRule: QuorumRule,
  /** Matching PREPAREs from distinct others still needed in all to prepare, given its own vote as it stands. */
  prepareQuorum: z.int(),
  /** Matching COMMITs from distinct others needed to commit, given its own vote as it stands. */
  commitQuorum: z.int(),
  /** castro-liskov: its own vote is in its prepare certificate (always false under the original rule). */
  ownPrepareCounted: z.boolean(),
  ownCommitCounted: z.boolean(),
  prepared: z.boolean(),
  committed: z.boolean(),
  decidedValue: z.string().nullable(),
  received: z.object({ prePrepare: z.int(), prepare: z.int(), commit: z.int() }),
  rejected: z.object({ prePrepare: z.int(), prepare: z.int(), commit: z.int() }),
  ignored: z.object({ prePrepare: z.int(), prepare: z.int(), commit: z.int() }),
})
export type ReplicaSnapshot = z.infer<typeof ReplicaSnapshot>

/** A message as its recipient saw it: never a dropped one; a rejected one shows what arrived. */
export const ReceivedMessage = z.object({
  index: z.int(),
  phase: Phase,
  from: z.int(),
  /** The value that arrived (after any tampering). */
  value: z.string(),
  status: z.enum(['delivered', 'rejected']),
  counted: z.boolean(),
  ignoredReason: z.string().nullable(),
})
export type ReceivedMessage = z.infer<typeof ReceivedMessage>

/** A message as its sender knows it: it cannot know whether it arrived. */
export const SentMessage = z.object({ index: z.int(), phase: Phase, to: z.int(), value: z.string() })
export type SentMessage = z.infer<typeof SentMessage>

/**
 * A bot played a human's seat in the current round: its human did not act within the
 * session's `idleBotAfterMs` (`idle`), or was away with bot takeover on (`away`).
 */
export const BotStandIn = z.object({
  nodeId: z.int(),
  phase: Phase,
  reason: StandInReason,
  /** The seat holder's name when it happened ("a bot played for Ana"). */
  name: z.string().nullable(),
  /** Milliseconds since the round started. */
  at: z.number(),
})
export type BotStandIn = z.infer<typeof BotStandIn>

/**
 * The moves a bot played for humans, read from a round's log (each move's phase is the number
 * of phases closed before it): what the server's views carry and what a replay shows.
 */
export function standInsOf(log: readonly RoundLogEntry[]): BotStandIn[] {
  const found: BotStandIn[] = []
  let closed = 0
  for (const entry of log) {
    if (entry.type === 'close') closed++
    else if (entry.type === 'act' && entry.standIn) {
      found.push({ nodeId: entry.replica, phase: PHASES[Math.min(closed, PHASES.length - 1)] ?? 'commit', at: entry.at, ...entry.standIn })
    }
  }
  return found
}

export const ReplicaAction = z.enum(['propose', 'prepare', 'commit'])
export type ReplicaAction = z.infer<typeof ReplicaAction>

/** What a Byzantine seat may choose when it acts. */
export const ByzantineOptions = z.object({
  kind: FaultKind,
  proposal: z.string(),
  /** The conflicting value colluding replicas push. */
  conflictingValue: z.string(),
  /** What the fault kind sends each current recipient if the human chooses nothing (recipient id → value). */
  defaultValues: z.record(z.string(), z.string()),
  canTamper: z.boolean(),
})
export type ByzantineOptions = z.infer<typeof ByzantineOptions>

/**
 * `replica:view`: exactly what reached one replica. Its message lists may come as deltas:
 * `received` holds the round's received messages from position `receivedFrom` on, `sent`
 * those from `sentFrom` on (both 0: the whole lists). A phone at N = 100 receives ~200
 * messages a round, and resending them all on every update made the views the server's
 * largest cost; `mergeReplicaView` rebuilds the whole view.
 */
export const ReplicaView = z.object({
  sessionId: z.string(),
  nodeId: z.int(),
  name: z.string().nullable(),
  role: z.enum(['primary', 'backup']),
  fault: FaultKind,
  isByzantine: z.boolean(),
  playedBy: PlayedBy,
  status: SessionStatus,
  round: z.int().nullable(),
  phase: LivePhase.nullable(),
  /** Epoch ms at which the current phase closes anyway; null when no phase is open. */
  phaseDeadline: z.number().nullable(),
  snapshot: ReplicaSnapshot.nullable(),
  received: z.array(ReceivedMessage),
  receivedFrom: z.int().min(0),
  sent: z.array(SentMessage),
  sentFrom: z.int().min(0),
  canAct: z.boolean(),
  action: ReplicaAction.nullable(),
  /** Byzantine replicas may stay silent. */
  canSkip: z.boolean(),
  /** Who this replica's messages go to in the current phase. */
  recipients: z.array(z.int()),
  byzantine: ByzantineOptions.nullable(),
  outcome: RoundOutcome.nullable(),
  /** The moves of this seat a bot played for its human in the current round (appended). */
  standIns: z.array(BotStandIn),
})
export type ReplicaView = z.infer<typeof ReplicaView>

/**
 * `host:view`: everything, for the dashboard. The trace comes as a delta: `messages` are the
 * round's trace from index `from` on, so a client keeps `trace.slice(0, from)` and appends
 * them (a new `round`, or `from` 0, starts afresh). A client whose trace is shorter than `from`
 * missed a view and asks `session:sync`, which answers with the whole trace.
 */
export const HostView = z.object({
  sessionId: z.string(),
  status: SessionStatus,
  round: z.int().nullable(),
  seed: z.number().nullable(),
  phase: LivePhase.nullable(),
  phaseDeadline: z.number().nullable(),
  pending: z.array(z.int()),
  sets: RoundSets.nullable(),
  messages: MessageCounts.nullable(),
  replicas: z.array(ReplicaSnapshot),
  seats: z.array(SeatInfo),
  trace: z.object({ from: z.int(), total: z.int(), messages: z.array(TracedMessage) }),
  outcome: RoundOutcome.nullable(),
  messageDeliveryRate: z.number(),
  locked: z.boolean(),
  botTakeover: z.boolean(),
  /** The quorum rule of the round on show (the session's when none is), appended with the fields below. */
  quorumRule: QuorumRule,
  /** The session's idle bot: ms, or null when off. */
  idleBotAfterMs: z.int().nullable(),
  /** Every move a bot played for a human in the round on show, in order. */
  standIns: z.array(BotStandIn),
})
export type HostView = z.infer<typeof HostView>

/**
 * Applies a `replica:view` to the view held so far: the lists keep their first `…From`
 * messages and append the new ones. Returns null when the delta cannot be placed (another
 * round, or messages missed while reconnecting): the client then asks `session:sync`, which
 * answers with the whole view.
 */
export function mergeReplicaView(previous: ReplicaView | null, next: ReplicaView): ReplicaView | null {
  if (next.receivedFrom === 0 && next.sentFrom === 0) return next
  if (previous === null || previous.nodeId !== next.nodeId || previous.round !== next.round) return null
  if (previous.received.length < next.receivedFrom || previous.sent.length < next.sentFrom) return null
  return {
    ...next,
    received: [...previous.received.slice(0, next.receivedFrom), ...next.received],
    receivedFrom: 0,
    sent: [...previous.sent.slice(0, next.sentFrom), ...next.sent],
    sentFrom: 0,
  }
}

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
  'replica:act': (payload: Payload<typeof ActPayload>, ack: AckCallback<{ nodeId: number; sent: number }>) => void
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
