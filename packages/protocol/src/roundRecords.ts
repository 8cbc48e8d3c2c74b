import { z } from 'zod'
import { DEFAULT_QUORUM_RULE, QuorumRule, RoundOutcomeKind } from './quorumRule'
import { ChoiceValue, FaultKind, MessageType, Phase, ReplicaKey, StoredReplicaKey } from './terms'

/**
 * Rounds as they are recorded: the outcome of a finished round, the calls made on its
 * LiveRound (its log), the record of a running or finished round, and its messages (the trace
 * a replay rebuilds from the log).
 */

export const RoundSets = z.object({ prePrepared: z.int(), prepared: z.int(), committed: z.int() })
export const MessageCounts = z.object({ sent: z.int(), delivered: z.int(), dropped: z.int(), rejected: z.int() })
export type MessageCounts = z.infer<typeof MessageCounts>

const NO_MESSAGES = { sent: 0, delivered: 0, dropped: 0, rejected: 0 }

/**
 * Where a round ended in its views (appended with views; rounds stored before them ended in
 * view 0 with primary 0, and had no client): the round record and its outcome both carry it.
 */
export const RoundViews = z.object({
  /** The view the client accepted in, or the last one tried. */
  view: z.int(),
  /** Its primary: `view mod N`. */
  primary: z.int(),
  /** Views beyond 0 that honest replicas entered. */
  viewChanges: z.int(),
  /** The client accepted a result: f + 1 matching REPLYs from distinct replicas. */
  clientAccepted: z.boolean(),
})
export type RoundViews = z.infer<typeof RoundViews>
export const VIEW_ZERO: RoundViews = { view: 0, primary: 0, viewChanges: 0, clientAccepted: false }

/** How a finished round ended. */
export const RoundOutcome = z.object({
  round: z.int(),
  seed: z.number(),
  nodes: z.int(),
  f: z.int(),
  /** Metric A: at least N - f honest replicas committed. */
  success: z.boolean(),
  failure: z.object({ phase: Phase, reason: z.string() }).nullable(),
  /** As the original system words it: `prepare: Np=3 < N-f=5`; null on success. */
  failureReason: z.string().nullable(),
  decidedValue: z.string().nullable(),
  decidedValues: z.array(z.string()),
  /** Two honest replicas decided different values. */
  safetyViolation: z.boolean(),
  sets: RoundSets,
  messages: MessageCounts,
  /**
   * Which honest replicas decided each value (in `decidedValues` order, ids ascending), so a
   * phone can say who committed what. Optional: outcomes stored before it have none.
   */
  decidedBy: z.array(z.object({ value: z.string(), replicas: z.array(z.int()) })).optional(),
  /**
   * success, no-decision or safety-violated (appended): a round whose honest replicas decided
   * different values is never a success, whatever the set sizes.
   */
  outcome: RoundOutcomeKind,
  /** The quorum rule the round was played with. */
  quorumRule: QuorumRule,
  ...RoundViews.shape,
  /** Views the round could use (1: one attempt). */
  maxViews: z.int(),
  /** The primaries of the views before `view`: the replicas the round replaced, in order. */
  replacedPrimaries: z.array(z.int()),
  /** The result the client accepted, or null. */
  clientValue: z.string().nullable(),
  /** The client's REQUESTs and the REPLYs to it (`messages` counts those between replicas). */
  clientMessages: MessageCounts,
})
export type RoundOutcome = z.infer<typeof RoundOutcome>
/** An outcome as documents stored before `outcome`, `quorumRule` and views existed hold it (see the document's upgrade). */
export const StoredRoundOutcome = RoundOutcome.extend({
  outcome: RoundOutcomeKind.optional(),
  quorumRule: QuorumRule.optional(),
  view: z.int().default(0),
  primary: z.int().default(0),
  viewChanges: z.int().default(0),
  clientAccepted: z.boolean().default(false),
  maxViews: z.int().default(1),
  replacedPrimaries: z.array(z.int()).default([]),
  clientValue: z.string().nullable().default(null),
  clientMessages: MessageCounts.default(NO_MESSAGES),
})

/**
 * Why a phase closed: everyone acted, its timeout expired, the host forced it, or (appended
 * with views) the view timer expired while the client waited for replies.
 */
export const CloseReason = z.enum(['complete', 'timeout', 'host', 'view-timeout'])
export type CloseReason = z.infer<typeof CloseReason>

export const ByzantineChoice = z.object({
  value: ChoiceValue.optional(),
  values: z.record(ReplicaKey, ChoiceValue).optional(),
  tamper: z.boolean().optional(),
  /**
   * A Byzantine new primary's NEW-VIEW (appended with views): the replicas whose VIEW-CHANGEs
   * (among those it holds) go into the set V it sends; its own always does. Left out: all it holds.
   */
  viewChanges: z.array(z.int().min(0).max(99)).max(100).optional(),
  /** Per-recipient sets V (recipient id → replica ids): an equivocating NEW-VIEW. */
  viewChangesFor: z.record(ReplicaKey, z.array(z.int().min(0).max(99)).max(100)).optional(),
})
export type ByzantineChoice = z.infer<typeof ByzantineChoice>
/** A choice as a round's log holds it (documents written before keys had to be canonical). */
const LoggedChoice = ByzantineChoice.extend({ values: z.record(StoredReplicaKey, ChoiceValue).optional() })

/** Why a bot played a human's seat: they did not act in time (`idle`), or were away with bot takeover on (`away`). */
export const STAND_IN_REASONS = ['idle', 'away'] as const
export const StandInReason = z.enum(STAND_IN_REASONS)
export type StandInReason = z.infer<typeof StandInReason>
/** On a bot's act for a seat a human holds: why, and the holder's name then ("a bot played for Ana"). */
export const LoggedStandIn = z.object({ reason: StandInReason, name: z.string().nullable() })

/**
 * One call on the round's LiveRound. A live round is deterministic given its seed and these
 * calls, so the log is both the persisted state of a running round and the replay of a
 * finished one. `at` is milliseconds since the round started. In rounds with views, `replica`
 * N (one past the last replica) is the client: its `act` is the client's REQUEST.
 */
export const RoundLogEntry = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('act'),
    replica: z.int(),
    choice: LoggedChoice.optional(),
    by: z.enum(['human', 'bot']),
    at: z.number(),
    /** A bot played for the seat's human (appended; absent for bots' own seats and older logs). */
    standIn: LoggedStandIn.optional(),
  }),
  z.object({ type: z.literal('skip'), replica: z.int(), by: z.enum(['human', 'bot']), at: z.number() }),
  z.object({ type: z.literal('close'), reason: CloseReason, at: z.number() }),
  z.object({ type: z.literal('rate'), p: z.number().min(0).max(1), at: z.number() }),
  /**
   * The view ended before its phases did (appended with views): the host forced the next view
   * (`host`), or a seat whose view timer expired asked for a new primary (`timer`).
   */
  z.object({ type: z.literal('view'), reason: z.enum(['host', 'timer']), at: z.number() }),
])
export type RoundLogEntry = z.infer<typeof RoundLogEntry>

/** A round as started: everything LiveRound needs, plus the calls made on it so far. */
export const LiveRoundRecord = z.object({
  round: z.int().min(1),
  seed: z.number(),
  startedAt: z.number(),
  faults: z.array(FaultKind),
  /** Delivery probability (0..1) when the round started. */
  p: z.number().min(0).max(1),
  proposal: z.string(),
  authentication: z.boolean(),
  log: z.array(RoundLogEntry),
  /** The quorum rule the round plays with (the session's when it started); replays use it. */
  quorumRule: QuorumRule,
  /**
   * Views the round may use (appended): given, the round has its client and view changes;
   * absent (rounds stored before views), the round is the classic one: primary 0, three phases.
   */
  maxViews: z.int().min(1).optional(),
  /** The view timer of view 0 in ms when the round started (view v: × 2^v). */
  viewTimeoutMs: z.int().optional(),
  /** The seat whose holder plays the client; null or absent: the projector does. */
  clientSeat: z.int().nullable().optional(),
})
export type LiveRoundRecord = z.infer<typeof LiveRoundRecord>

/** A round of the history: finished (with its outcome) or aborted by the host, and where its views ended. */
export const RoundRecord = LiveRoundRecord.extend({
  finishedAt: z.number(),
  aborted: z.boolean(),
  outcome: RoundOutcome.nullable(),
  ...RoundViews.shape,
})
export type RoundRecord = z.infer<typeof RoundRecord>

/** Rounds stored before quorum rules existed were played with the original rule. */
export const StoredLiveRoundRecord = LiveRoundRecord.extend({ quorumRule: QuorumRule.default(DEFAULT_QUORUM_RULE) })
export const StoredRoundRecord = StoredLiveRoundRecord.extend({
  finishedAt: z.number(),
  aborted: z.boolean(),
  outcome: StoredRoundOutcome.nullable(),
  view: z.int().optional(),
  primary: z.int().optional(),
  viewChanges: z.int().optional(),
  clientAccepted: z.boolean().optional(),
})

/** A prepared certificate as the trace and the phones show it: its view, value and who prepared it. */
export const CertificateSummary = z.object({ view: z.int(), value: z.string(), prepares: z.array(z.int()) })
export type CertificateSummary = z.infer<typeof CertificateSummary>

/** A message of a round as the host (and a replay) sees it: the engine's TracedMessage. */
export const TracedMessage = z.object({
  index: z.int(),
  /** The message's type (the classic round's types were its phases, hence the name). */
  phase: MessageType,
  /** A replica id, or the client (id N) for a REQUEST. */
  from: z.int(),
  /** A replica id, or the client (id N) for a REPLY. */
  to: z.int(),
  /** The view it belongs to (a VIEW-CHANGE or NEW-VIEW: the view being changed to); appended. */
  view: z.int(),
  value: z.string(),
  deliveredValue: z.string().nullable(),
  digest: z.string(),
  mac: z.string(),
  status: z.enum(['delivered', 'dropped', 'rejected']),
  counted: z.boolean(),
  ignoredReason: z.string().nullable(),
  /** Rounds with views: the sender's signature (transferable, unlike the MAC). */
  signature: z.string().optional(),
  /** VIEW-CHANGE: the prepared certificate it carries (or null), whether it carries the client's request. */
  viewChange: z.object({ certificate: CertificateSummary.nullable(), request: z.boolean() }).optional(),
  /** NEW-VIEW: its set V (each VIEW-CHANGE's sender and certificate), whether it carries the request. */
  newView: z
    .object({
      viewChanges: z.array(z.object({ from: z.int(), certificate: z.object({ view: z.int(), value: z.string() }).nullable() })),
      request: z.boolean(),
    })
    .optional(),
  /** VIEW-CHANGE and NEW-VIEW in words, e.g. `VIEW-CHANGE to view 1: prepared v in view 0 (PREPAREs of 1 and 2)`. */
  summary: z.string().optional(),
  /** Why a VIEW-CHANGE or NEW-VIEW was refused, in words (with `ignoredReason`). */
  detail: z.string().optional(),
})
export type TracedMessage = z.infer<typeof TracedMessage>
