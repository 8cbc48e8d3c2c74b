import { z } from 'zod'
import { DEFAULT_MAX_VIEWS, DEFAULT_VIEW_TIMEOUT_MS, SESSION_LIMITS } from './limits'
import { PresetName } from './presets'
import { DEFAULT_QUORUM_RULE, QuorumRule } from './quorumRule'
import { FaultKind, ReplicaId, Topology } from './terms'

/** The settings a session keeps, and the configuration clients see (settings plus faults). */

/** `idleBotAfterMs` as the host sets it live: ms, or null to turn the idle bot off. */
export const IdleBotAfterMs = z
  .int({ error: 'expected a number of milliseconds or null' })
  .min(SESSION_LIMITS.minIdleBotAfterMs)
  .max(SESSION_LIMITS.maxPhaseTimeoutMs)
  .nullable()

/** Views a round may use: 1 (one attempt, no view change) to SESSION_LIMITS.maxViews. */
export const MaxViews = z
  .int({ error: `expected an integer number of views from 1 to ${SESSION_LIMITS.maxViews}` })
  .min(1, { error: 'a round has at least one view (1: no view change)' })
  .max(SESSION_LIMITS.maxViews, { error: `at most ${SESSION_LIMITS.maxViews} views a round` })

/** The view timer of view 0, in ms; view v waits 2^v times as long. */
export const ViewTimeoutMs = z
  .int({ error: 'expected a number of milliseconds' })
  .min(SESSION_LIMITS.minViewTimeoutMs)
  .max(SESSION_LIMITS.maxViewTimeoutMs)

/** The seat whose holder also plays the client (sends the REQUEST, sees the REPLYs); null: the projector does. */
export const ClientSeat = ReplicaId.nullable()

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
  /** Views each round may use (appended with views; sessions stored before them get the default). */
  maxViews: z.int().default(DEFAULT_MAX_VIEWS),
  /** The view timer of view 0 in ms (view v: × 2^v). */
  viewTimeoutMs: z.int().default(DEFAULT_VIEW_TIMEOUT_MS),
  /** The seat whose holder plays the client; null: the projector. */
  clientSeat: z.int().nullable().default(null),
  /** The preset the session was created with, if any (what it set is in the fields above). */
  preset: PresetName.nullable().default(null),
})
export type SessionSettings = z.infer<typeof SessionSettings>

/** A session's configuration as clients see it: the settings plus the current faults. */
export const SessionConfig = SessionSettings.extend({
  /** Faulty seats (Byzantine or crashing). */
  faultyNodes: z.int(),
  maliciousProposer: z.boolean(),
  /** Faulty seats only (seat id → kind). */
  faults: z.record(z.string(), FaultKind),
})
export type SessionConfig = z.infer<typeof SessionConfig>
