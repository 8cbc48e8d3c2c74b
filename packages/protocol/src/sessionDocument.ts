import { z } from 'zod'
import { outcomeKindOf } from './quorumRule'
import {
  LiveRoundRecord,
  RoundRecord,
  StoredLiveRoundRecord,
  StoredRoundRecord,
  TracedMessage,
  VIEW_ZERO,
  type RoundViews,
} from './roundRecords'
import { HISTORY_SCHEMA_VERSION, type HistoryResponse, type RoundTraceResponse } from './sessionBodies'
import { SessionSettings } from './sessionSettings'
import { FaultKind } from './terms'

/**
 * The document a session is persisted as, versioned: a stored document of any known version is
 * upgraded to the latest when read (`parseSessionDocument`), so old files keep loading. The
 * history export (the REST history) is versioned the same way (`upgradeHistoryExport`).
 */

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

const DocumentFields = {
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
}

/**
 * Version 1 (`v: 1`, before `schemaVersion` existed): written before views. Fields appended to
 * it over time are filled in on reading (quorum rules, outcomes, bars).
 */
export const SessionDocumentV1 = z.object({ v: z.literal(1), ...DocumentFields })

/** The latest version of the document: it carries `schemaVersion`. */
export const SESSION_DOCUMENT_VERSION = 2 as const

/**
 * Version 2 (views, issue 13): settings with maxViews, viewTimeoutMs, clientSeat and preset;
 * rounds with their views (maxViews; the record and its outcome with view, primary,
 * viewChanges and clientAccepted); fault kind `crash`.
 */
export const SessionDocumentV2 = z.object({ schemaVersion: z.literal(SESSION_DOCUMENT_VERSION), ...DocumentFields })

/** The latest document version; `parseSessionDocument` upgrades older ones to it. */
export type SessionDocument = Omit<z.infer<typeof SessionDocumentV2>, 'rounds' | 'current'> & {
  rounds: RoundRecord[]
  current: LiveRoundRecord | null
}

type StoredRound = z.infer<typeof StoredRoundRecord>

/** A stored round in the latest shape: the three-way outcome, its rule and its views filled in. */
function upgradeRound(round: StoredRound): RoundRecord {
  const views: RoundViews = {
    view: round.view ?? round.outcome?.view ?? VIEW_ZERO.view,
    primary: round.primary ?? round.outcome?.primary ?? VIEW_ZERO.primary,
    viewChanges: round.viewChanges ?? round.outcome?.viewChanges ?? VIEW_ZERO.viewChanges,
    clientAccepted: round.clientAccepted ?? round.outcome?.clientAccepted ?? VIEW_ZERO.clientAccepted,
  }
  if (round.outcome === null) return { ...round, ...views, outcome: null }
  const { outcome, quorumRule, ...rest } = round.outcome
  return { ...round, ...views, outcome: { ...rest, outcome: outcome ?? outcomeKindOf(rest), quorumRule: quorumRule ?? round.quorumRule } }
}

/**
 * Version 1 → 2: the settings get the view defaults (sessions go on with views from their next
 * round), and every stored round is a classic round (no `maxViews`: replays play it as it was
 * played) that ended in view 0, primary 0, without a client.
 */
export function upgradeSessionDocumentV1(document: z.infer<typeof SessionDocumentV1>): z.infer<typeof SessionDocumentV2> {
  const { v: _v, ...fields } = document
  return { schemaVersion: SESSION_DOCUMENT_VERSION, ...fields }
}

/**
 * Parses a stored session of any known version (v1: `v: 1`; v2: `schemaVersion: 2`) and
 * upgrades it to the latest. Throws a ZodError for anything else (a newer version included).
 */
export function parseSessionDocument(input: unknown): SessionDocument {
  const isV1 = typeof input === 'object' && input !== null && 'v' in input && !('schemaVersion' in input)
  const document = isV1 ? upgradeSessionDocumentV1(SessionDocumentV1.parse(input)) : SessionDocumentV2.parse(input)
  return { ...document, rounds: document.rounds.map(upgradeRound), current: document.current }
}

const HistoryExportAny = z.object({
  sessionId: z.string(),
  schemaVersion: z.union([z.literal(1), z.literal(HISTORY_SCHEMA_VERSION)]).optional(),
  rounds: z.array(StoredRoundRecord.omit({ log: true })).optional(),
  round: StoredRoundRecord.optional(),
  trace: z.array(TracedMessage.extend({ view: z.int().default(0) })).optional(),
})

/**
 * Reads a history export (a saved `GET …/history` or `…/history?round=r` answer) of any known
 * version (none: 1) and upgrades it to HISTORY_SCHEMA_VERSION: version 1 rounds get their views
 * (view 0, primary 0, no view change, no client) and its messages view 0. Throws a ZodError for
 * what is not one.
 */
export function upgradeHistoryExport(input: unknown): (HistoryResponse | RoundTraceResponse) & { schemaVersion: typeof HISTORY_SCHEMA_VERSION } {
  const parsed = HistoryExportAny.parse(input)
  const schemaVersion = HISTORY_SCHEMA_VERSION
  if (parsed.round !== undefined) {
    return { sessionId: parsed.sessionId, round: upgradeRound(parsed.round), trace: parsed.trace ?? [], schemaVersion }
  }
  const rounds = (parsed.rounds ?? []).map((round) => {
    const { log: _log, ...rest } = upgradeRound({ ...round, log: [] })
    return rest
  })
  return { sessionId: parsed.sessionId, rounds, schemaVersion }
}
