import { z } from 'zod'
import { DEFAULT_QUORUM_RULE, outcomeKindOf, QuorumRule, RoundOutcomeKind } from './quorumRule'

/**
 * Live classroom sessions: the REST bodies and answers (compatible with the original system's
 * field names), the public views of a session, and the versioned document a session is
 * persisted as. Socket events live in `socket.ts`.
 */

/** Caps of a live session: beyond 100 replicas nobody can follow the dashboard. */
export const SESSION_LIMITS = {
  minNodes: 4,
  maxNodes: 100,
  /** `run-batch-experiment?rounds=R`. */
  maxBatchRounds: 100_000,
  /** Finished rounds kept per session for the history and replays. */
  historyRounds: 100,
  maxNameLength: 40,
  /** Longest value a human may type (the engine's MAX_VALUE_LENGTH). */
  maxValueLength: 64,
  maxPacingMs: 60_000,
  minPhaseTimeoutMs: 200,
  maxPhaseTimeoutMs: 3_600_000,
  maxPhaseGapMs: 10_000,
  /** `idleBotAfterMs`: a bot plays a seat whose human did not act within this long (below the phase timeout). */
  minIdleBotAfterMs: 500,
} as const

/** What the primary proposes when the host names nothing (the original system sends `""`). */
export const DEFAULT_PROPOSAL = 'the proposal'

/** How one replica behaves (the engine's FaultKind); everything but `honest` is Byzantine. */
export const FAULT_KINDS = ['honest', 'silent', 'wrong-value', 'equivocate', 'tamper'] as const
export const FaultKind = z.enum(FAULT_KINDS)
export type FaultKind = z.infer<typeof FaultKind>

export const BYZANTINE_KINDS = ['silent', 'wrong-value', 'equivocate', 'tamper'] as const
export const ByzantineKind = z.enum(BYZANTINE_KINDS)

/** Drawn on the dashboard only: every replica still sends to every other one. */
export const TOPOLOGIES = ['full', 'ring', 'star', 'tree'] as const
export const Topology = z.enum(TOPOLOGIES)
export type Topology = z.infer<typeof Topology>

export const PHASES = ['pre-prepare', 'prepare', 'commit'] as const
export const Phase = z.enum(PHASES)
export type Phase = z.infer<typeof Phase>
export const LivePhase = z.enum([...PHASES, 'done'])
export type LivePhase = z.infer<typeof LivePhase>

export const SESSION_STATUSES = ['waiting', 'running', 'finished'] as const
export const SessionStatus = z.enum(SESSION_STATUSES)
export type SessionStatus = z.infer<typeof SessionStatus>

/**
 * Session codes are typed by students on phones: short, upper case, from an alphabet without
 * look-alikes (no 0/O, 1/I/L). Lookups upper-case what was typed.
 */
export const SESSION_ID_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
export const SESSION_ID_LENGTH = 6
export const SessionId = z
  .string({ error: 'expected a session code' })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{1,32}$/, { error: 'a session code is letters and digits, like K7PX2M' })
export const SessionParams = z.object({ id: SessionId })

const nonNegativeInt = (max: number) =>
  z
    .int({ error: (issue) => (issue.input === undefined ? 'required (an integer)' : `expected an integer, got ${JSON.stringify(issue.input)}`) })
    .min(0)
    .max(max)

/**
 * A replica id as a JSON object key, in canonical decimal (`"7"`, never `"007"` or `"+7"`): two
 * spellings of one id would name one replica twice. Whether the replica exists depends on the
 * session's N and is checked where N is known.
 */
export const ReplicaKey = z.string().regex(/^(?:0|[1-9]\d{0,2})$/, { error: 'expected a replica id in canonical decimal (0, 1, … 99)' })
/** Replica keys as documents saved before keys had to be canonical may hold them. */
const StoredReplicaKey = z.string().regex(/^\d{1,3}$/, { error: 'expected a replica id' })
export const ReplicaId = nonNegativeInt(SESSION_LIMITS.maxNodes - 1)
/** `/api/sessions/:id/seats/:nodeId/…` */
export const SeatParams = SessionParams.extend({ nodeId: z.coerce.number({ error: 'expected a seat number' }).pipe(ReplicaId) })

export const ChoiceValue = z.string().min(1).max(SESSION_LIMITS.maxValueLength)

/**
 * `POST /api/sessions`. The original system's fields first (all optional but nodeCount), then
 * ours. Unknown fields are dropped, so the original web app's requests still work.
 */
export const CreateSessionBody = z
  .object(
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
    },
    { error: (issue) => (issue.input == null ? 'required (a JSON object with nodeCount)' : 'expected a JSON object') },
  )
  .superRefine((body, ctx) => {
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
  })
export type CreateSessionBody = z.input<typeof CreateSessionBody>
export type CreateSessionInput = z.output<typeof CreateSessionBody>

/** The settings a session keeps (faults live on the seats). */
export const SessionSettings = z.object({
  nodeCount: z.int(),
  robotNodes: z.int(),
  topology: Topology,
  branchCount: z.int(),
  proposalValue: z.union([z.number(), z.string()]),
  proposalContent: z.string(),
  allowTampering: z.boolean(),
  messageDeliveryRate: z.number(),
  pacingMs: z.int(),
  phaseTimeoutMs: z.int(),
  phaseGapMs: z.int(),
  botTakeover: z.boolean(),
  authentication: z.boolean(),
  /** Sessions stored before quorum rules existed played (and play) the original rule. */
  quorumRule: QuorumRule.default(DEFAULT_QUORUM_RULE),
  /** Null: off (and in sessions stored before it existed). */
  idleBotAfterMs: z.int().nullable().default(null),
})
export type SessionSettings = z.infer<typeof SessionSettings>

/** A session's configuration as clients see it: the settings plus the current faults. */
export const SessionConfig = SessionSettings.extend({
  faultyNodes: z.int(),
  maliciousProposer: z.boolean(),
  /** Byzantine seats only (seat id → kind). */
  faults: z.record(z.string(), FaultKind),
})
export type SessionConfig = z.infer<typeof SessionConfig>

/** Who plays a seat right now. */
export const PlayedBy = z.enum(['human', 'bot', 'nobody'])
export type PlayedBy = z.infer<typeof PlayedBy>

export const SeatInfo = z.object({
  nodeId: z.int(),
  role: z.enum(['primary', 'backup']),
  /** `human` once claimed; `bot` seats are free unless reserved. */
  holder: z.enum(['human', 'bot']),
  /** A bot seat nobody may claim (robotNodes). */
  reserved: z.boolean(),
  name: z.string().nullable(),
  /** A human holder with a connected socket; null for bot seats. */
  online: z.boolean().nullable(),
  /** `nobody`: the holder is away and bots may not take over, so the seat stays silent. */
  playedBy: PlayedBy,
  fault: FaultKind,
  isByzantine: z.boolean(),
  /**
   * The host kicked a holder of this seat, who may not claim a seat of this session again
   * until the host allows it (`host:allow-seat`, `POST …/seats/:nodeId/allow`).
   */
  barred: z.boolean().optional(),
})
export type SeatInfo = z.infer<typeof SeatInfo>

export const RoundSets = z.object({ prePrepared: z.int(), prepared: z.int(), committed: z.int() })
export const MessageCounts = z.object({ sent: z.int(), delivered: z.int(), dropped: z.int(), rejected: z.int() })
export type MessageCounts = z.infer<typeof MessageCounts>

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
})
export type RoundOutcome = z.infer<typeof RoundOutcome>
/** An outcome as documents stored before `outcome` and `quorumRule` existed hold it (see parseSessionDocument). */
const StoredRoundOutcome = RoundOutcome.extend({ outcome: RoundOutcomeKind.optional(), quorumRule: QuorumRule.optional() })

/** Why a phase closed: everyone acted, its timeout expired, or the host forced it. */
export const CloseReason = z.enum(['complete', 'timeout', 'host'])
export type CloseReason = z.infer<typeof CloseReason>

export const ByzantineChoice = z.object({
  value: ChoiceValue.optional(),
  values: z.record(ReplicaKey, ChoiceValue).optional(),
  tamper: z.boolean().optional(),
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
 * finished one. `at` is milliseconds since the round started.
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
})
export type LiveRoundRecord = z.infer<typeof LiveRoundRecord>

/** A round of the history: finished (with its outcome) or aborted by the host. */
export const RoundRecord = LiveRoundRecord.extend({
  finishedAt: z.number(),
  aborted: z.boolean(),
  outcome: RoundOutcome.nullable(),
})
export type RoundRecord = z.infer<typeof RoundRecord>

/** Rounds stored before quorum rules existed were played with the original rule. */
const StoredLiveRoundRecord = LiveRoundRecord.extend({ quorumRule: QuorumRule.default(DEFAULT_QUORUM_RULE) })
const StoredRoundRecord = StoredLiveRoundRecord.extend({
  finishedAt: z.number(),
  aborted: z.boolean(),
  outcome: StoredRoundOutcome.nullable(),
})

/** Public information about a session (`GET /api/sessions/:id`, socket `session:update`); never tokens. */
export const SessionInfo = z.object({
  sessionId: z.string(),
  config: SessionConfig,
  status: SessionStatus,
  createdAt: z.number(),
  currentRound: z.int(),
  phase: LivePhase.nullable(),
  f: z.int(),
  totalNodes: z.int(),
  /** Seats whose human holder is online. */
  connectedNodes: z.array(z.int()),
  locked: z.boolean(),
  seats: z.array(SeatInfo),
  warnings: z.array(z.string()),
})
export type SessionInfo = z.infer<typeof SessionInfo>

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
})
export type SessionStatusResponse = z.infer<typeof SessionStatusResponse>

/** `idleBotAfterMs` as the host sets it live: ms, or null to turn the idle bot off. */
export const IdleBotAfterMs = z
  .int({ error: 'expected a number of milliseconds or null' })
  .min(SESSION_LIMITS.minIdleBotAfterMs)
  .max(SESSION_LIMITS.maxPhaseTimeoutMs)
  .nullable()

/**
 * `PATCH /api/sessions/:id/settings` (host): settings a host may change while the session runs.
 * A new quorum rule applies from the next round (a running round keeps its own); a new idle-bot
 * delay from the next phase. At least one field; unknown fields are refused.
 */
export const UpdateSettingsBody = z
  .strictObject(
    { quorumRule: QuorumRule.optional(), idleBotAfterMs: IdleBotAfterMs.optional() },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: the settings a host may change are quorumRule and idleBotAfterMs`
          : 'expected a JSON object',
    },
  )
  .refine((body) => body.quorumRule !== undefined || body.idleBotAfterMs !== undefined, { error: 'send quorumRule, idleBotAfterMs or both' })
export type UpdateSettingsBody = z.input<typeof UpdateSettingsBody>

export const UpdateSettingsResponse = z.object({
  sessionId: z.string(),
  quorumRule: QuorumRule,
  idleBotAfterMs: z.int().nullable(),
  /** When a new quorum rule takes effect: at once, or from the next round (one is running). */
  effective: z.enum(['now', 'next-round']),
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
  role: z.enum(['primary', 'backup']),
  fault: FaultKind,
  isByzantine: z.boolean(),
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

export const HistoryResponse = z.object({
  sessionId: z.string(),
  rounds: z.array(RoundRecord.omit({ log: true })),
})
export type HistoryResponse = z.infer<typeof HistoryResponse>

/** A message of a round as the host (and a replay) sees it: the engine's TracedMessage. */
export const TracedMessage = z.object({
  index: z.int(),
  phase: Phase,
  from: z.int(),
  to: z.int(),
  value: z.string(),
  deliveredValue: z.string().nullable(),
  digest: z.string(),
  mac: z.string(),
  status: z.enum(['delivered', 'dropped', 'rejected']),
  counted: z.boolean(),
  ignoredReason: z.string().nullable(),
})
export type TracedMessage = z.infer<typeof TracedMessage>

/** `GET /api/sessions/:id/history?round=r`: the round with its full message trace (replayed from its log). */
export const RoundTraceResponse = z.object({
  sessionId: z.string(),
  round: RoundRecord,
  trace: z.array(TracedMessage),
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

// ---- persistence -------------------------------------------------------------------------

export const SeatRecord = z.object({
  id: z.int(),
  fault: FaultKind,
  holder: z.enum(['human', 'bot']),
  name: z.string().nullable(),
  /** SHA-256 (hex) of the seat token; the token itself is never stored. */
  tokenHash: z.string().nullable(),
  claimedAt: z.number().nullable(),
  /** Who claimed it: a hash of the client's address (kept so that a kick can bar them); never sent. */
  claimedFrom: z.string().nullable().optional(),
})
export type SeatRecord = z.infer<typeof SeatRecord>

/** A kicked holder barred from claiming again in this session (until the host allows the seat). */
export const SeatBar = z.object({
  /** The seat they were kicked from. */
  nodeId: z.int(),
  /** The `claimedFrom` of the kicked holder. */
  client: z.string(),
  at: z.number(),
})
export type SeatBar = z.infer<typeof SeatBar>

export const SessionDocumentV1 = z.object({
  v: z.literal(1),
  id: z.string(),
  createdAt: z.number(),
  hostTokenHash: z.string(),
  settings: SessionSettings,
  seats: z.array(SeatRecord),
  locked: z.boolean(),
  /** Number of the next round to start (round numbers are never reused, even after an abort). */
  nextRound: z.int().min(1),
  rounds: z.array(StoredRoundRecord),
  /** The running round as seed + calls: restoring replays it. */
  current: StoredLiveRoundRecord.nullable(),
  /** Kicked holders who may not claim again (absent in documents written before kicks barred anyone). */
  barred: z.array(SeatBar).default([]),
})

/** The latest document version; `parseSessionDocument` migrates older ones up to it. */
export type SessionDocument = Omit<z.infer<typeof SessionDocumentV1>, 'rounds' | 'current'> & {
  rounds: RoundRecord[]
  current: LiveRoundRecord | null
}

/**
 * Parses a stored session of any known version and migrates it to the latest (there is only
 * v1 so far: a v2 adds its schema to the union and an `up` from v1). Throws a ZodError.
 * Fields appended to v1 are filled in: settings and rounds without a quorum rule played the
 * original one, and an outcome without its three-way `outcome` gets it from its flags.
 */
export function parseSessionDocument(input: unknown): SessionDocument {
  const document = SessionDocumentV1.parse(input)
  const rounds = document.rounds.map((round): RoundRecord => {
    if (round.outcome === null) return { ...round, outcome: null }
    const { outcome, quorumRule, ...rest } = round.outcome
    return { ...round, outcome: { ...rest, outcome: outcome ?? outcomeKindOf(rest), quorumRule: quorumRule ?? round.quorumRule } }
  })
  return { ...document, rounds }
}
