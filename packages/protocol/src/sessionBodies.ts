import { z } from 'zod'
import { DEFAULT_MAX_VIEWS, DEFAULT_PROPOSAL, DEFAULT_VIEW_TIMEOUT_MS, SESSION_LIMITS } from './limits'
import { PresetName, withPreset } from './presets'
import { DEFAULT_QUORUM_RULE, QuorumRule, RoundOutcomeKind } from './quorumRule'
import { RoundOutcome, RoundRecord, TracedMessage } from './roundRecords'
import { SeatInfo } from './sessionViews'
import { ClientSeat, IdleBotAfterMs, MaxViews, SessionConfig, ViewTimeoutMs } from './sessionSettings'
import { FaultKind, LivePhase, nonNegativeInt, ReplicaId, ReplicaKey, SeatRole, SessionStatus, Topology } from './terms'

/** The REST bodies and answers of live sessions (compatible with the original system's field names). */

const CreateSessionFields = z.object(
  {
    nodeCount: z
      .int({ error: (issue) => (issue.input === undefined ? 'required (an integer from 4 to 100)' : 'expected an integer') })
      .min(SESSION_LIMITS.minNodes, { error: `a live session needs at least ${SESSION_LIMITS.minNodes} replicas (f >= 1)` })
      .max(SESSION_LIMITS.maxNodes, { error: `a live session has at most ${SESSION_LIMITS.maxNodes} replicas` }),
    /** Byzantine replicas when `faults` is not given: the highest ids (and 0 with maliciousProposer). */
    faultyNodes: nonNegativeInt(SESSION_LIMITS.maxNodes).optional(),
    /** Seats kept for bots (the highest ids): nobody can claim them. */
    robotNodes: nonNegativeInt(SESSION_LIMITS.maxNodes).default(0),
    topology: Topology.default('full'),
    branchCount: z.int().min(1).max(10).default(2),
    proposalValue: z.union([z.number().finite(), z.string().max(SESSION_LIMITS.maxValueLength)]).default(0),
    /** What the primary proposes: the value replicas decide. Empty (the original system's default): DEFAULT_PROPOSAL. */
    proposalContent: z
      .string()
      .trim()
      .max(SESSION_LIMITS.maxValueLength)
      .transform((content) => (content === '' ? DEFAULT_PROPOSAL : content))
      .default(DEFAULT_PROPOSAL),
    /** Replica 0 (the primary) is Byzantine (it equivocates unless `faults` says otherwise). */
    maliciousProposer: z.boolean().default(false),
    /** Byzantine humans may tamper with their messages in transit (`tamper` replicas always do). */
    allowTampering: z.boolean().default(false),
    /** Per-message delivery probability, in percent. */
    messageDeliveryRate: z.number().min(0).max(100).default(100),
    /** Per-seat fault kinds (seat id → kind); overrides faultyNodes and maliciousProposer. */
    faults: z.record(ReplicaKey, FaultKind).optional(),
    /** How long a bot waits after a phase opens before it acts (plus a small per-seat stagger). */
    pacingMs: nonNegativeInt(SESSION_LIMITS.maxPacingMs).default(800),
    /** A phase closes after this long even if humans did not act (they count as silent). */
    phaseTimeoutMs: z.int().min(SESSION_LIMITS.minPhaseTimeoutMs).max(SESSION_LIMITS.maxPhaseTimeoutMs).default(30_000),
    /** Pause after everyone acted, before the next phase opens, so people can see it. */
    phaseGapMs: nonNegativeInt(SESSION_LIMITS.maxPhaseGapMs).default(400),
    /** A bot plays a human's seat while the human is away. */
    botTakeover: z.boolean().default(false),
    authentication: z.boolean().default(true),
    /** How replicas count votes in every round of the session (appended; the original system's rule by default). */
    quorumRule: QuorumRule.default(DEFAULT_QUORUM_RULE),
    /**
     * A bot plays the move of a seat whose human (online or away) did not act within this many
     * ms of the phase opening, and everyone is told so. Null (the default): nobody plays for
     * them until the phase times out. Must be below phaseTimeoutMs.
     */
    idleBotAfterMs: z.int().min(SESSION_LIMITS.minIdleBotAfterMs).max(SESSION_LIMITS.maxPhaseTimeoutMs).nullable().default(null),
    /** Views each round may use (appended with views): 1 is one attempt, no view change. */
    maxViews: MaxViews.default(DEFAULT_MAX_VIEWS),
    /** The view timer of view 0 in ms; it doubles with every further view. */
    viewTimeoutMs: ViewTimeoutMs.default(DEFAULT_VIEW_TIMEOUT_MS),
    /** The seat whose holder also plays the client; null (the default): the projector plays it. */
    clientSeat: ClientSeat.default(null),
    /** A one-click lesson (see SESSION_PRESETS): fills in the fields it sets that the body leaves out. */
    preset: PresetName.nullable().default(null),
  },
  { error: (issue) => (issue.input == null ? 'required (a JSON object with nodeCount)' : 'expected a JSON object') },
)

/**
 * `POST /api/sessions`. The original system's fields first (all optional but nodeCount), then
 * ours. Unknown fields are dropped, so the original web app's requests still work. A `preset`
 * fills in its fields first (the body's own fields win), so `{ "preset": "silent-primary" }`
 * alone is a whole session.
 */
export const CreateSessionBody = z.preprocess(
  (input) => (typeof input === 'object' && input !== null && !Array.isArray(input) ? withPreset(input as Record<string, unknown>) : input),
  CreateSessionFields.superRefine((body, ctx) => {
    if (body.faultyNodes !== undefined && body.faultyNodes >= body.nodeCount) {
      ctx.addIssue({ code: 'custom', path: ['faultyNodes'], message: `faultyNodes must be less than nodeCount (${body.nodeCount})` })
    }
    if (body.robotNodes > body.nodeCount) {
      ctx.addIssue({ code: 'custom', path: ['robotNodes'], message: `robotNodes must be at most nodeCount (${body.nodeCount})` })
    }
    for (const key of Object.keys(body.faults ?? {})) {
      if (Number(key) >= body.nodeCount) {
        ctx.addIssue({ code: 'custom', path: ['faults', key], message: `no replica ${key} in a session of ${body.nodeCount}` })
      }
    }
    if (body.clientSeat !== null && body.clientSeat >= body.nodeCount) {
      ctx.addIssue({ code: 'custom', path: ['clientSeat'], message: `no seat ${body.clientSeat} in a session of ${body.nodeCount}` })
    }
  }),
)
/** What a client sends: `nodeCount` may be left out when a preset sets it. */
export type CreateSessionBody = Omit<z.input<typeof CreateSessionFields>, 'nodeCount'> & { nodeCount?: number }
export type CreateSessionInput = z.output<typeof CreateSessionFields>

export const CreateSessionResponse = z.object({
  sessionId: z.string(),
  config: SessionConfig,
  status: SessionStatus,
  createdAt: z.number(),
  /** Send as `Authorization: Bearer <hostToken>` or in the socket handshake; shown once. */
  hostToken: z.string(),
  joinUrl: z.string(),
  warnings: z.array(z.string()),
})
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>

export const SessionStatusResponse = z.object({
  sessionId: z.string(),
  status: SessionStatus,
  currentRound: z.int(),
  phase: LivePhase.nullable(),
  connectedNodes: z.array(z.int()),
  totalNodes: z.int(),
  /** Replicas still expected to send in the current phase. */
  pending: z.array(z.int()),
  locked: z.boolean(),
  messageDeliveryRate: z.number(),
  lastOutcome: RoundOutcome.nullable(),
  /** The session's quorum rule: what the next round plays with (appended). */
  quorumRule: QuorumRule,
  /** The view being played and its primary (appended; null without a round on show). */
  view: z.int().nullable().optional(),
  primary: z.int().nullable().optional(),
})
export type SessionStatusResponse = z.infer<typeof SessionStatusResponse>

const SETTABLE = 'quorumRule, idleBotAfterMs, maxViews and viewTimeoutMs'

/**
 * `PATCH /api/sessions/:id/settings` (host): settings a host may change while the session runs.
 * A new quorum rule, number of views or view timer applies from the next round (a running round
 * keeps its own); a new idle-bot delay from the next phase. At least one field; unknown fields
 * are refused.
 */
export const UpdateSettingsBody = z
  .strictObject(
    {
      quorumRule: QuorumRule.optional(),
      idleBotAfterMs: IdleBotAfterMs.optional(),
      maxViews: MaxViews.optional(),
      viewTimeoutMs: ViewTimeoutMs.optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: the settings a host may change are ${SETTABLE}`
          : 'expected a JSON object',
    },
  )
  .refine((body) => Object.values(body).some((value) => value !== undefined), { error: `send at least one of ${SETTABLE}` })
export type UpdateSettingsBody = z.input<typeof UpdateSettingsBody>

export const UpdateSettingsResponse = z.object({
  sessionId: z.string(),
  quorumRule: QuorumRule,
  idleBotAfterMs: z.int().nullable(),
  /** When a new quorum rule (views, view timer) takes effect: at once, or from the next round (one is running). */
  effective: z.enum(['now', 'next-round']),
  /** Appended with views. */
  maxViews: z.int().optional(),
  viewTimeoutMs: z.int().optional(),
})
export type UpdateSettingsResponse = z.infer<typeof UpdateSettingsResponse>

/** `POST /api/sessions/:id/assign-node` (and socket `seat:claim`): a seat, or any free one. */
export const AssignNodeBody = z
  .object({
    nodeId: ReplicaId.optional(),
    name: z.string().trim().min(1).max(SESSION_LIMITS.maxNameLength).optional(),
  })
  .nullish()
  .transform((body) => body ?? {})
export type AssignNodeBody = z.input<typeof AssignNodeBody>

export const AssignNodeResponse = z.object({
  sessionId: z.string(),
  nodeId: z.int(),
  /** Keep it (the browser's storage): it gets the same seat back after a reload. */
  seatToken: z.string(),
  role: SeatRole,
  fault: FaultKind,
  isByzantine: z.boolean(),
  /** The holder also plays the client (the session's clientSeat; appended). */
  client: z.boolean().optional(),
})
export type AssignNodeResponse = z.infer<typeof AssignNodeResponse>

export const ConnectedNodesResponse = z.object({
  sessionId: z.string(),
  connectedNodes: z.array(z.int()),
  totalNodes: z.int(),
  seats: z.array(SeatInfo),
})
export type ConnectedNodesResponse = z.infer<typeof ConnectedNodesResponse>

export const HistoryQuery = z.object({
  round: z.coerce.number({ error: 'expected a round number' }).int().min(1).optional(),
})

/**
 * The version of the history export (`GET …/history`, `…/history?round=r`): 2 since views
 * (rounds carry view, primary, viewChanges, clientAccepted). Answers without `schemaVersion`
 * are version 1; `upgradeHistoryExport` reads both.
 */
export const HISTORY_SCHEMA_VERSION = 2 as const

export const HistoryResponse = z.object({
  sessionId: z.string(),
  rounds: z.array(RoundRecord.omit({ log: true })),
  /** Appended: HISTORY_SCHEMA_VERSION. */
  schemaVersion: z.literal(HISTORY_SCHEMA_VERSION).optional(),
})
export type HistoryResponse = z.infer<typeof HistoryResponse>

/** `GET /api/sessions/:id/history?round=r`: the round with its full message trace (replayed from its log). */
export const RoundTraceResponse = z.object({
  sessionId: z.string(),
  round: RoundRecord,
  trace: z.array(TracedMessage),
  /** Appended: HISTORY_SCHEMA_VERSION. */
  schemaVersion: z.literal(HISTORY_SCHEMA_VERSION).optional(),
})
export type RoundTraceResponse = z.infer<typeof RoundTraceResponse>

export const BatchExperimentQuery = z.object({
  rounds: z.coerce
    .number({ error: 'expected a number of rounds' })
    .int()
    .min(1)
    .max(SESSION_LIMITS.maxBatchRounds, { error: `at most ${SESSION_LIMITS.maxBatchRounds} rounds` })
    .default(30),
  seed: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
})

export const BatchRoundResult = z.object({
  round: z.int(),
  success: z.boolean(),
  messageCount: z.int(),
  failureReason: z.string().nullable(),
  safetyViolation: z.boolean(),
  /** success, no-decision or safety-violated (appended). */
  outcome: RoundOutcomeKind,
})

/** Rates in percent, rounded to 2 decimals, as the original system reports them. */
export const BatchExperimentResponse = z.object({
  sessionId: z.string(),
  nodes: z.int(),
  messageDeliveryRate: z.number(),
  seed: z.number(),
  results: z.array(BatchRoundResult),
  /** Null unless every replica is honest (the closed form assumes it). */
  theoreticalSuccessRate: z.number().nullable(),
  experimentalSuccessRate: z.number(),
  totalRounds: z.int(),
  successCount: z.int(),
  failureCount: z.int(),
  safetyViolations: z.int(),
  durationMs: z.number(),
  /** The session's quorum rule, which every round (and the theory) used (appended). */
  quorumRule: QuorumRule,
})
export type BatchExperimentResponse = z.infer<typeof BatchExperimentResponse>
