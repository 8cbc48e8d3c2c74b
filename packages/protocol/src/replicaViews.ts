import { z } from 'zod'
import { QuorumRule } from './quorumRule'
import { CertificateSummary, MessageCounts, RoundOutcome, RoundSets, StandInReason, TracedMessage, type RoundLogEntry } from './roundRecords'
import { PlayedBy, SeatInfo } from './sessionViews'
import { FaultKind, LivePhase, MessageType, SeatRole, SessionStatus } from './terms'

/**
 * What the server shows each audience: a replica's view (`replica:view`, its phone) and the
 * host's (`host:view`, the dashboard and projector).
 */

const PhaseCounts = z.object({
  prePrepare: z.int(),
  prepare: z.int(),
  commit: z.int(),
  /** Appended with views: the client's REQUESTs, VIEW-CHANGEs and NEW-VIEWs (0 in classic rounds). */
  request: z.int().optional(),
  viewChange: z.int().optional(),
  newView: z.int().optional(),
})

/** The engine's ReplicaSnapshot: a replica's local state and counters. */
export const ReplicaSnapshot = z.object({
  id: z.int(),
  /** The engine's kind: a `crash` seat's replica is honest until it crashes. */
  fault: FaultKind,
  /** It is the primary of the view it is in. */
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
  /** Prepared in the view it is in. */
  prepared: z.boolean(),
  /** Decided, in whichever view (final). */
  committed: z.boolean(),
  decidedValue: z.string().nullable(),
  received: PhaseCounts,
  rejected: PhaseCounts,
  ignored: PhaseCounts,
  // Appended with views (issue 13): what a phone shows of the view change.
  /** The view it is in (its primary is `view mod N`). */
  view: z.int().optional(),
  /** It knows of the client's request (from the client, a PRE-PREPARE or a NEW-VIEW). */
  knowsRequest: z.boolean().optional(),
  /** Its view timer runs: it knows of the request and has not decided. */
  timerRunning: z.boolean().optional(),
  /** Its highest prepared certificate: what its VIEW-CHANGE carries. */
  preparedCertificate: CertificateSummary.nullable().optional(),
  /** The VIEW-CHANGEs it holds for the view being changed to; null before any view change. */
  viewChange: z
    .object({
      view: z.int(),
      /** Distinct replicas whose valid VIEW-CHANGE it holds (its own included once sent), ascending. */
      senders: z.array(z.int()),
      sent: z.boolean(),
      /** VIEW-CHANGEs from others that make it join: f + 1. */
      joinNeeded: z.int(),
      /** VIEW-CHANGEs from others a new primary needs for its NEW-VIEW (the rule's quorum). */
      newViewNeeded: z.int(),
    })
    .nullable()
    .optional(),
  /** The last NEW-VIEW it received: accepted, or refused and why (`invalid-new-view`, `wrong-re-proposal`). */
  newView: z
    .object({ view: z.int(), from: z.int(), value: z.string(), accepted: z.boolean(), reason: z.string().nullable(), detail: z.string().nullable() })
    .nullable()
    .optional(),
  /** It owes the client a REPLY. */
  replyDue: z.boolean().optional(),
})
export type ReplicaSnapshot = z.infer<typeof ReplicaSnapshot>

/** A message as its recipient saw it: never a dropped one; a rejected one shows what arrived. */
export const ReceivedMessage = z.object({
  index: z.int(),
  phase: MessageType,
  /** A replica, or the client (id N) for a REQUEST. */
  from: z.int(),
  /** The value that arrived (after any tampering). */
  value: z.string(),
  status: z.enum(['delivered', 'rejected']),
  counted: z.boolean(),
  ignoredReason: z.string().nullable(),
  /** Appended with views: the message's view, and for a VIEW-CHANGE or NEW-VIEW what it says and why it was refused. */
  view: z.int().optional(),
  summary: z.string().optional(),
  detail: z.string().optional(),
})
export type ReceivedMessage = z.infer<typeof ReceivedMessage>

/** A message as its sender knows it: it cannot know whether it arrived. */
export const SentMessage = z.object({
  index: z.int(),
  phase: MessageType,
  /** A replica, or the client (id N) for a REPLY. */
  to: z.int(),
  value: z.string(),
  view: z.int().optional(),
  summary: z.string().optional(),
})
export type SentMessage = z.infer<typeof SentMessage>

/**
 * A bot played a human's seat in the current round: its human did not act within the
 * session's `idleBotAfterMs` (`idle`), or was away with bot takeover on (`away`).
 */
export const BotStandIn = z.object({
  nodeId: z.int(),
  phase: MessageType,
  reason: StandInReason,
  /** The seat holder's name when it happened ("a bot played for Ana"). */
  name: z.string().nullable(),
  /** Milliseconds since the round started. */
  at: z.number(),
})
export type BotStandIn = z.infer<typeof BotStandIn>

/**
 * The phases a round opens, in order, until it is done (the engine's CLASSIC_PHASES,
 * FIRST_VIEW_PHASES and LATER_VIEW_PHASES): the classic round (stored before views) opens the
 * normal case once; a round with views opens view 0's phases, then each later view's.
 */
export const CLASSIC_PHASES = ['pre-prepare', 'prepare', 'commit'] as const
export const FIRST_VIEW_PHASES = ['request', 'pre-prepare', 'prepare', 'commit', 'reply'] as const
export const LATER_VIEW_PHASES = ['view-change', 'new-view', 'prepare', 'commit', 'reply'] as const

/**
 * The moves a bot played for humans, read from a round's log: what the server's views carry
 * and what a replay shows. A move's phase follows from the calls before it: each `close` opens
 * the next phase, the end of a view's phases (or a `view` entry) the next view's first one.
 */
export function standInsOf(log: readonly RoundLogEntry[], withViews = false): BotStandIn[] {
  const found: BotStandIn[] = []
  let view = 0
  let index = 0
  const phases = (): readonly MessageType[] => (!withViews ? CLASSIC_PHASES : view === 0 ? FIRST_VIEW_PHASES : LATER_VIEW_PHASES)
  const nextView = (): void => {
    view++
    index = 0
  }
  for (const entry of log) {
    if (entry.type === 'close') {
      index++
      if (withViews && index >= phases().length) nextView()
    } else if (entry.type === 'view') {
      nextView()
    } else if (entry.type === 'act' && entry.standIn) {
      const current = phases()
      found.push({ nodeId: entry.replica, phase: current[Math.min(index, current.length - 1)] ?? 'commit', at: entry.at, ...entry.standIn })
    }
  }
  return found
}

/** What acting sends in the open phase (`request` and `reply` are the client's and automatic). */
export const ReplicaAction = z.enum(['propose', 'prepare', 'commit', 'view-change', 'new-view'])
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
 * The view timer (appended with views): it starts when a view opens (view 0: the client's
 * REQUEST; view v: its view change) and lasts `viewTimeoutMs × 2^view`. A replica's timer runs
 * while it knows of the request and has not decided; when the view's normal case ended
 * without the client accepting, the view change opens at the deadline.
 */
export const ViewTimer = z.object({
  view: z.int(),
  durationMs: z.int(),
  startedAt: z.number(),
  /** Epoch ms. */
  deadline: z.number(),
  expired: z.boolean(),
})
export type ViewTimer = z.infer<typeof ViewTimer>

/** The client (appended with views): its REQUEST and the REPLYs it counts ("2 of 2 matching replies: accepted"). */
export const ClientView = z.object({
  /** The client's id in traces: N. */
  id: z.int(),
  /** The seat whose holder plays it; null: the projector. */
  seat: z.int().nullable(),
  request: z.string(),
  requestsSent: z.int(),
  accepted: z.boolean(),
  acceptedValue: z.string().nullable(),
  /** Matching REPLYs it needs: f + 1. */
  needed: z.int(),
  /** The most matching REPLYs (distinct replicas) any one value has: the k of "k of f + 1". */
  matching: z.int(),
  /** Distinct repliers per value, in the order values first arrived. */
  replies: z.array(z.object({ value: z.string(), from: z.array(z.int()) })),
  /** The client's REQUEST is due now (phase `request`): its seat may send `client:request`. */
  requestDue: z.boolean(),
})
export type ClientView = z.infer<typeof ClientView>

/** What the primary of the view being changed to sees while it collects VIEW-CHANGEs (appended with views). */
export const NewPrimaryView = z.object({
  view: z.int(),
  /** Replicas whose valid VIEW-CHANGE it holds for `view` (its own included once sent). */
  viewChangesFrom: z.array(z.int()),
  /** VIEW-CHANGEs from others it needs for a NEW-VIEW (the rule's quorum). */
  needed: z.int(),
  /** It may send NEW-VIEW now (`replica:new-view`): phase `new-view`, and it is pending. */
  canSend: z.boolean(),
  /** What an honest NEW-VIEW re-proposes from the VIEW-CHANGEs it holds; null when it holds too few. */
  reProposal: z.object({ value: z.string(), certificateView: z.int().nullable(), certificateFrom: z.int().nullable() }).nullable(),
})
export type NewPrimaryView = z.infer<typeof NewPrimaryView>

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
  /** In the view being played: the primary is `view mod N`. */
  role: SeatRole,
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
  // Appended with views (issue 13).
  /** The view being played and its primary (`view mod N`); null without a round. */
  view: z.int().nullable().optional(),
  primary: z.int().nullable().optional(),
  /** The view timer; null without a round with views. Its `running` is this replica's own. */
  timer: ViewTimer.extend({ running: z.boolean() }).nullable().optional(),
  /** It may ask for a new primary now (`replica:view-change`): its timer expired and its VIEW-CHANGE is due. */
  canAskNewPrimary: z.boolean().optional(),
  /** Set while this seat is the primary of the view being changed to. */
  newPrimary: NewPrimaryView.nullable().optional(),
  /** Set when this seat's holder also plays the client. */
  client: ClientView.nullable().optional(),
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
  // Appended with views (issue 13).
  /** The view being played and its primary; null without a round on show. */
  view: z.int().nullable().optional(),
  primary: z.int().nullable().optional(),
  /** Views the round on show may use (the session's when none is), and the view timer of view 0. */
  maxViews: z.int().optional(),
  viewTimeoutMs: z.int().optional(),
  /** The view timer of the view being played (null once the round is over, or in a classic round). */
  viewTimer: ViewTimer.nullable().optional(),
  /** Views beyond 0 honest replicas entered so far, and the primaries replaced so far. */
  viewChanges: z.int().optional(),
  replacedPrimaries: z.array(z.int()).optional(),
  /** The client; null in a classic round. */
  client: ClientView.nullable().optional(),
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
