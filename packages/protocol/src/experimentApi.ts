import { z } from 'zod'
import { DEFAULT_SEED, EXPERIMENT_LIMITS, TheoryParamsShape, checkFaultBound, checkPairs } from './experiment'
import { DEFAULT_QUORUM_RULE, QUORUM_RULES, QuorumRule } from './quorumRule'
import { integerDomain, PROBABILITY, rangeSchema, type RangeDomain } from './ranges'

/**
 * The experiment REST API (`/api/experiments`, `/api/theory`) and the socket events that report
 * an experiment's progress. Request schemas turn JSON or query text into values; response
 * schemas have no transforms, so the server can encode them and OpenAPI can describe them.
 */

/** What one request may ask of a server shared by a whole classroom. */
export const EXPERIMENT_API_LIMITS = {
  /**
   * (nodes, p) points of one experiment. Below the CLI's 100,000 pairs: a record is sent whole,
   * and encoding 100,000 points takes about a second of the event loop.
   */
  maxPoints: 10_000,
  /**
   * Σ over points of rounds × N²: the messages a message-level run would send. All-honest
   * sweeps take the fast path, far cheaper than that; the cap keeps huge N honest.
   */
  maxWork: 1e12,
  /** Rounds over the whole grid: about a minute of one core at N = 10. */
  maxTotalRounds: 1e9,
  /** Σ over (nodes, p) pairs of 10^5 + 4·N^1.5, about 10^-6 ms each: a theory table of ~2 s. */
  maxTheoryWork: 2e9,
  /** Rows of `GET /api/experiments`. */
  maxListed: 200,
} as const

/** Message-equivalents of a sweep: what `maxWork` bounds. */
export function experimentWork(nodes: readonly number[], ps: readonly number[], rounds: number): number {
  return nodes.reduce((sum, n) => sum + n * n, 0) * ps.length * rounds
}

/**
 * The cost model of a theory table, in units of ~10^-6 ms: a fixed part per point (its set-up:
 * the exact rational evaluation up to N = 12 takes up to ~75 µs, then allocating and encoding
 * the point) plus the O(N^1.5) sums. A row carries P, 1 − P and log10 P (`reliability`), about
 * twice the work of P alone at large N (P alone: ~1.9 ms at N = 10,000, 0.26 ms at N = 1,000).
 */
export function theoryWork(nodes: readonly number[], ps: readonly number[]): number {
  return nodes.reduce((sum, n) => sum + 1e5 + 4 * n ** 1.5, 0) * ps.length
}

const RANGE_HINT = 'a list of numbers like [4, 7] or range text like "4,7,10" or "0.5:1:0.05"'

/** JSON input for a range: an array of numbers, or the same text the CLI and query strings take. */
function rangeInput(domain: RangeDomain) {
  return z
    .union([z.array(z.number()).transform((values) => values.join(',')), z.string()], {
      error: (issue) => (issue.input === undefined ? `required (${RANGE_HINT})` : `expected ${RANGE_HINT}`),
    })
    .pipe(rangeSchema(domain))
}

function integerField(min: number, max: number) {
  return z
    .int({ error: (issue) => (issue.input === undefined ? 'required (an integer)' : `${String(issue.input)} is not an integer`) })
    .min(min, { error: (issue) => `${String(issue.input)} is not an integer >= ${min}` })
    .max(max, { error: (issue) => `${String(issue.input)} is above the limit of ${max}` })
}

/** One quorum rule or a list of them (each at most once), as the sorted list of distinct rules asked for. */
const QuorumRules = z
  .union([QuorumRule.transform((rule) => [rule]), z.array(QuorumRule).min(1, { error: 'name at least one quorum rule' })], {
    error: () => `expected ${QUORUM_RULES.map((rule) => `"${rule}"`).join(' or ')}, or a list of them`,
  })
  .transform((rules) => QUORUM_RULES.filter((rule) => rules.includes(rule)))

/**
 * `POST /api/experiments` body: an all-honest Monte-Carlo sweep over nodes × p, under one
 * quorum rule or both (`quorumRule`, default original): every point is run once per rule.
 */
export const ExperimentRequest = z
  .strictObject(
    {
      nodes: rangeInput(integerDomain(1, EXPERIMENT_LIMITS.maxSimulationNodes)).describe('replica counts N, e.g. [4, 7] or "4:40:3"'),
      p: rangeInput(PROBABILITY).describe('delivery probabilities, e.g. [0.9, 1] or "0.5:1:0.05"'),
      rounds: integerField(1, EXPERIMENT_LIMITS.maxRounds).describe('Monte-Carlo rounds per (N, p) point'),
      seed: integerField(0, Number.MAX_SAFE_INTEGER).default(DEFAULT_SEED).describe('the sweep seed; each point derives its own'),
      quorumRule: QuorumRules.default([DEFAULT_QUORUM_RULE]).describe('"original" (default), "castro-liskov", or a list of both: each point runs once per rule'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: an experiment is an all-honest sweep of nodes, p, rounds, seed and quorumRule`
          : issue.input === undefined || issue.input === null
            ? 'required (a JSON object)'
            : 'expected a JSON object',
    },
  )
  .superRefine((request, ctx) => {
    const rules = request.quorumRule.length
    const grid = rules > 1 ? 'nodes × p × quorum rules' : 'nodes × p'
    const points = request.nodes.length * request.p.length * rules
    if (points > EXPERIMENT_API_LIMITS.maxPoints) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `${grid} gives ${points} points, more than the ${EXPERIMENT_API_LIMITS.maxPoints} one experiment may have (use the CLI for bigger sweeps)`,
      })
      return
    }
    const rounds = points * request.rounds
    if (rounds > EXPERIMENT_API_LIMITS.maxTotalRounds) {
      ctx.addIssue({
        code: 'custom',
        path: ['rounds'],
        message: `${grid} × rounds gives ${rounds} rounds, more than the ${EXPERIMENT_API_LIMITS.maxTotalRounds} allowed`,
      })
      return
    }
    const work = experimentWork(request.nodes, request.p, request.rounds) * rules
    if (work > EXPERIMENT_API_LIMITS.maxWork) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `the sweep is too large: Σ rounds × N² = ${work.toExponential(2)} messages, more than the ${EXPERIMENT_API_LIMITS.maxWork.toExponential(0)} allowed (use the CLI for bigger runs)`,
      })
    }
  })
export type ExperimentRequest = z.input<typeof ExperimentRequest>

/** A validated sweep, as stored and echoed back. */
export const ExperimentConfig = z.object({
  nodes: z.array(z.int()),
  p: z.array(z.number()),
  rounds: z.int(),
  seed: z.int(),
  /** The quorum rules every point ran under, in QUORUM_RULES order (appended; absent in older records: original only). */
  quorumRule: z.array(QuorumRule).optional(),
})
export type ExperimentConfig = z.output<typeof ExperimentConfig>

export const EXPERIMENT_STATUSES = ['running', 'done', 'cancelled', 'failed'] as const
export const ExperimentStatus = z.enum(EXPERIMENT_STATUSES)
export type ExperimentStatus = z.output<typeof ExperimentStatus>

/** Ids are URL- and file-name-safe (the file store names documents after them). */
export const ExperimentId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'is not an experiment id' })
export const ExperimentIdParams = z.object({ id: ExperimentId })

export const ExperimentProgress = z.object({ done: z.int().nonnegative(), total: z.int().nonnegative() })
export type ExperimentProgress = z.output<typeof ExperimentProgress>

/** One (nodes, p) point of a finished sweep, next to the exact theory. */
export const ExperimentPoint = z.object({
  nodes: z.int(),
  f: z.int(),
  p: z.number(),
  rounds: z.int(),
  /** The sweep's seed, as given. */
  seed: z.int(),
  /** The point's own seed: `pbft simulate --seed <pointSeed>` reproduces the row. */
  pointSeed: z.int(),
  successes: z.int(),
  successRate: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  theoreticalSuccessRate: z.number(),
  failures: z.object({ 'pre-prepare': z.int(), prepare: z.int(), commit: z.int() }),
  meanMessages: z.object({ sent: z.number(), delivered: z.number(), dropped: z.number(), rejected: z.number() }),
  /** The rule this row ran under; `theoreticalSuccessRate` is that rule's (appended; absent in older records: original). */
  quorumRule: QuorumRule.optional(),
  /** Rounds in which honest replicas decided different values (never successes; appended). */
  safetyViolations: z.int().optional(),
})
export type ExperimentPoint = z.output<typeof ExperimentPoint>

/** `GET /api/experiments/:id`; also the payload of `experiment:finished`. */
export const ExperimentRecord = z.object({
  id: ExperimentId,
  status: ExperimentStatus,
  config: ExperimentConfig,
  progress: ExperimentProgress,
  /** ISO 8601 times. */
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  elapsedMs: z.number().nonnegative().optional(),
  results: z.array(ExperimentPoint).optional(),
  error: z.string().optional(),
  /** Versions that produced the numbers, for exports. */
  appVersion: z.string(),
  engineVersion: z.string(),
})
export type ExperimentRecord = z.output<typeof ExperimentRecord>

/**
 * The stored form of a record: the same fields plus the document's schema version and the
 * SHA-256 (hex) of its cancel token (never the token itself). Documents stored before cancel
 * tokens existed have none: they cannot be running any more.
 */
export const EXPERIMENT_DOCUMENT_VERSION = 1
export const ExperimentDocument = ExperimentRecord.extend({
  v: z.literal(EXPERIMENT_DOCUMENT_VERSION),
  cancelTokenHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
})
export type ExperimentDocument = z.output<typeof ExperimentDocument>

/** A stored document without its results: what a server keeps in memory for every experiment. */
export const ExperimentHead = ExperimentDocument.omit({ results: true })
export type ExperimentHead = z.output<typeof ExperimentHead>

/** `202` answer of `POST /api/experiments`. */
export const ExperimentCreated = z.object({
  id: ExperimentId,
  status: z.literal('running'),
  /** Rounds over the whole grid: what `progress.done` counts up to. */
  total: z.int(),
  createdAt: z.string(),
  /**
   * Shown once: cancelling needs it (`Authorization: Bearer <cancelToken>`). The server keeps
   * only its SHA-256.
   */
  cancelToken: z.string().min(1),
})
export type ExperimentCreated = z.output<typeof ExperimentCreated>

/** A row of `GET /api/experiments`: enough to pick one, not its results. */
export const ExperimentSummary = z.object({
  id: ExperimentId,
  status: ExperimentStatus,
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  progress: ExperimentProgress,
  summary: z.object({
    points: z.int(),
    nodes: z.tuple([z.int(), z.int()]).describe('smallest and largest N'),
    p: z.tuple([z.number(), z.number()]).describe('smallest and largest p'),
    rounds: z.int(),
    seed: z.int(),
  }),
})
export type ExperimentSummary = z.output<typeof ExperimentSummary>

export const ExperimentListQuery = z.object({
  limit: z.coerce
    .number({ error: 'is not a number' })
    .int({ error: 'is not an integer' })
    .min(1, { error: 'must be >= 1' })
    .max(EXPERIMENT_API_LIMITS.maxListed, { error: `must be <= ${EXPERIMENT_API_LIMITS.maxListed}` })
    .default(50),
})

/** `GET /api/experiments`: newest first. */
export const ExperimentList = z.object({ experiments: z.array(ExperimentSummary) })
export type ExperimentList = z.output<typeof ExperimentList>

/** `GET /api/theory` query: the CLI's `TheoryParams` plus the quorum rule (default original). */
export const TheoryQuery = z
  .object({ ...TheoryParamsShape, quorumRule: QuorumRule.default(DEFAULT_QUORUM_RULE) })
  .superRefine((params, ctx) => {
    checkFaultBound(params.f, params.nodes, ctx)
    checkPairs(params.nodes, params.p, ctx)
  })
export type TheoryQuery = z.output<typeof TheoryQuery>

/** `GET /api/theory` answer: one row per (nodes, p), the fields after `successRate` appended. */
export const TheoryPoint = z.object({
  nodes: z.int(),
  f: z.int(),
  p: z.number(),
  successRate: z.number(),
  quorumRule: QuorumRule,
  /** 1 − successRate, summed from the complementary events: exact down to tiny values (for log scales). */
  failureRate: z.number(),
  /** log10 of successRate, finite where the rate itself underflows to 0; null when it is exactly 0. */
  log10SuccessRate: z.number().nullable(),
})
export type TheoryPoint = z.output<typeof TheoryPoint>
export const TheoryResponse = z.object({ points: z.array(TheoryPoint) })
export type TheoryResponse = z.output<typeof TheoryResponse>

/** Every 4xx/5xx answer: `{ "error": { "code", "message" } }`. */
export const ApiErrorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) })
export type ApiErrorResponse = z.output<typeof ApiErrorResponse>

/** Socket.IO: clients in room `experimentRoom(id)` receive these. */
export const EXPERIMENT_EVENTS = { progress: 'experiment:progress', finished: 'experiment:finished' } as const

export function experimentRoom(id: string): string {
  return `experiment:${id}`
}

/** `experiment:progress`: rounds done so far, monotone, the last one equal to `total`. */
export const ExperimentProgressEvent = z.object({ id: ExperimentId, done: z.int(), total: z.int() })
export type ExperimentProgressEvent = z.output<typeof ExperimentProgressEvent>

/** `experiment:finished`: the final record, whatever the outcome (done, cancelled, failed). */
export const ExperimentFinishedEvent = ExperimentRecord
export type ExperimentFinishedEvent = ExperimentRecord
