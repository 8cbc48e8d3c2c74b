import type { QuorumRule } from './quorumRule'
import { isByzantineKind, SESSION_LIMITS, type BYZANTINE_KINDS, type FaultKind } from './session'

/**
 * The rules of creating a live session that the server enforces and the host form shows while
 * the host types, written once: each finding is an issue with a stable code, and each side says
 * it in its own words (the server in its English error and warning text, the web app through
 * `t()`). The schema (`CreateSessionBody`) checks each field alone; these rules look at fields
 * together. Pure and total: a form's half-typed values (NaN, 4.5, −1) give issues, never throws.
 *
 * f, the number of faults N replicas tolerate, is a PBFT rule and lives in the engine: callers
 * pass the engine's `defaultFaultBound`, so that this package keeps depending on zod alone.
 */

/** What each side checks before a session exists: the create-session body's fields these rules read. */
export interface SessionDraft {
  nodeCount: number
  /** Byzantine seats when `faults` is absent (see `faultySeats`). */
  faultyNodes?: number | undefined
  maliciousProposer?: boolean | undefined
  /** Seat id → kind; wins over faultyNodes and maliciousProposer. */
  faults?: Readonly<Record<string, FaultKind>> | undefined
  robotNodes?: number | undefined
  pacingMs: number
  phaseTimeoutMs: number
  /** Null or absent: no idle bot. */
  idleBotAfterMs?: number | null | undefined
  quorumRule: QuorumRule
}
export type SessionDraftField = keyof SessionDraft

/** f for N replicas: the engine's `defaultFaultBound`. */
export type FaultBoundOf = (nodes: number) => number

/** Each code's parameters; the codes are stable (clients map them to messages). */
export interface SessionIssueParams {
  /** Error: bots (pacing plus the per-seat stagger) would act after half the phase timeout. */
  PACING_EXCEEDS_TIMEOUT: { pacingMs: number; staggerMs: number; slowestMs: number; phaseTimeoutMs: number; neededMs: number }
  /** Error: the idle bot would play only once the phase has timed out. */
  IDLE_BOT_TOO_LATE: { idleBotAfterMs: number; phaseTimeoutMs: number }
  /** Error: faultyNodes is not below nodeCount. */
  FAULTS_TOO_MANY: { faultyNodes: number; nodeCount: number }
  /** Error: every seat would be Byzantine. */
  ONE_HONEST_REQUIRED: { nodeCount: number }
  /** Warning: a `faults` map disagrees with faultyNodes or maliciousProposer, which are ignored. */
  FAULTS_MAP_OVERRIDES: { count: number }
  /** Warning: more Byzantine replicas than f; PBFT no longer guarantees safety. */
  FAULTS_EXCEED_BOUND: { count: number; f: number }
  /** Warning: Byzantine and crashing replicas together exceed f; the honest ones may never decide. */
  FAULTS_EXCEED_LIVENESS_BOUND: { count: number; crashing: number; f: number }
  /** Warning: N ≠ 3f + 1 under the original rule, whose fixed 2f quorum is then too small. */
  NOT_3F_PLUS_1: { nodes: number; f: number; ideal: number }
  /** Warning: the highest `robotNodes` seats are kept for bots. */
  SEATS_KEPT_FOR_BOTS: { first: number; last: number; robotNodes: number }
}
export type SessionIssueCode = keyof SessionIssueParams

export const SESSION_ISSUE_SEVERITY: { readonly [C in SessionIssueCode]: 'error' | 'warning' } = {
  PACING_EXCEEDS_TIMEOUT: 'error',
  IDLE_BOT_TOO_LATE: 'error',
  FAULTS_TOO_MANY: 'error',
  ONE_HONEST_REQUIRED: 'error',
  FAULTS_MAP_OVERRIDES: 'warning',
  FAULTS_EXCEED_BOUND: 'warning',
  FAULTS_EXCEED_LIVENESS_BOUND: 'warning',
  NOT_3F_PLUS_1: 'warning',
  SEATS_KEPT_FOR_BOTS: 'warning',
}
export const SESSION_ISSUE_CODES = Object.keys(SESSION_ISSUE_SEVERITY) as SessionIssueCode[]

/** One finding. `fields` are all the fields the rule read, `field` (where to show it) first. */
export type SessionIssue = {
  [C in SessionIssueCode]: {
    code: C
    severity: 'error' | 'warning'
    field: SessionDraftField
    fields: readonly SessionDraftField[]
    params: SessionIssueParams[C]
  }
}[SessionIssueCode]

/** The fields a rule read, the one to blame first. */
type IssueFields = readonly [SessionDraftField, ...SessionDraftField[]]
/** The fields that make the Byzantine seats: a `faults` map, or else the counts. */
const MAPPED_FAULT_FIELDS: IssueFields = ['faults', 'nodeCount']
const COUNTED_FAULT_FIELDS: IssueFields = ['faultyNodes', 'maliciousProposer', 'nodeCount']

// TypeScript cannot relate a generic code to its member of the union: `params` is typed by C.
function issue<C extends SessionIssueCode>(code: C, fields: IssueFields, params: SessionIssueParams[C]): SessionIssue {
  return { code, severity: SESSION_ISSUE_SEVERITY[code], field: fields[0], fields, params } as SessionIssue
}

/** What faultyNodes makes of a seat when the host did not name kinds: colluding equivocators. */
export const DEFAULT_BYZANTINE_KIND: (typeof BYZANTINE_KINDS)[number] = 'equivocate'

/** Bots act within pacingMs + this; the stagger spreads them out so people see them one by one. */
export function maxBotStaggerMs(pacingMs: number): number {
  return Math.floor(pacingMs / 2)
}

/** The slowest bot acts this long after a phase opens (pacing plus the per-seat stagger). */
export function slowestBotMs(pacingMs: number): number {
  return pacingMs + maxBotStaggerMs(pacingMs)
}

/** A seat count a form may hold half-typed, as a whole number of seats in 0..maxNodes. */
function seatCount(nodeCount: number): number {
  return Number.isInteger(nodeCount) ? Math.max(0, Math.min(nodeCount, SESSION_LIMITS.maxNodes)) : 0
}

/**
 * The Byzantine seats faultyNodes and maliciousProposer make, ascending: the primary first
 * when malicious (which makes at least one faulty seat), then the highest ids down, never
 * all N (seat 0 is only taken as the malicious primary).
 */
export function faultySeats(nodeCount: number, faultyNodes: number, maliciousProposer: boolean): number[] {
  const n = seatCount(nodeCount)
  let count = Math.max(0, Number.isInteger(faultyNodes) ? faultyNodes : 0)
  const seats: number[] = []
  if (maliciousProposer && n > 0) {
    seats.push(0)
    count = Math.max(count - 1, 0)
  }
  for (let id = n - 1; id > 0 && count > 0; id--, count--) seats.push(id)
  return seats.sort((a, b) => a - b)
}

/**
 * One kind per seat: an explicit `faults` map wins (seats it does not name are honest);
 * otherwise the `faultySeats` are DEFAULT_BYZANTINE_KIND. Equivocators collude, so a malicious
 * primary with f others shows a safety violation.
 */
export function seatFaults(draft: Pick<SessionDraft, 'nodeCount' | 'faultyNodes' | 'maliciousProposer' | 'faults'>): FaultKind[] {
  const n = seatCount(draft.nodeCount)
  const faults = new Array<FaultKind>(n).fill('honest')
  if (draft.faults !== undefined) {
    for (const [key, kind] of Object.entries(draft.faults)) {
      const seat = Number(key)
      if (Number.isInteger(seat) && seat >= 0 && seat < n) faults[seat] = kind
    }
  } else {
    for (const seat of faultySeats(n, draft.faultyNodes ?? 0, draft.maliciousProposer ?? false)) faults[seat] = DEFAULT_BYZANTINE_KIND
  }
  return faults
}

/**
 * Bots must act before the phase times out. The original system had bots wait 10 s in phases
 * that timed out after 2 s, so no round ever decided; half the timeout leaves room for bots
 * that take over a seat in the middle of a phase.
 */
export function timingIssue(draft: Pick<SessionDraft, 'pacingMs' | 'phaseTimeoutMs'>): SessionIssue | null {
  const { pacingMs, phaseTimeoutMs } = draft
  const slowestMs = slowestBotMs(pacingMs)
  if (!(slowestMs > phaseTimeoutMs / 2)) return null
  return issue('PACING_EXCEEDS_TIMEOUT', ['phaseTimeoutMs', 'pacingMs'], { pacingMs, staggerMs: maxBotStaggerMs(pacingMs), slowestMs, phaseTimeoutMs, neededMs: 2 * slowestMs })
}

/** An idle bot must act before the phase times out (a human who did not act by then counts as silent anyway). */
export function idleBotIssue(draft: Pick<SessionDraft, 'idleBotAfterMs' | 'phaseTimeoutMs'>): SessionIssue | null {
  const { idleBotAfterMs, phaseTimeoutMs } = draft
  if (idleBotAfterMs === null || idleBotAfterMs === undefined || !(idleBotAfterMs >= phaseTimeoutMs)) return null
  return issue('IDLE_BOT_TOO_LATE', ['idleBotAfterMs', 'phaseTimeoutMs'], { idleBotAfterMs, phaseTimeoutMs })
}

/**
 * Why a configuration with `byzantine` faulty seats is not textbook PBFT (warnings: demos do
 * this on purpose). N ≠ 3f + 1 matters under the original rule only: its fixed 2f quorum is
 * then smaller than a Byzantine quorum, while castro-liskov's grows with N.
 */
export function faultBoundIssues(
  nodes: number,
  byzantine: number,
  rule: QuorumRule,
  faultBound: FaultBoundOf,
  faultFields: IssueFields = COUNTED_FAULT_FIELDS,
  crashing = 0,
): SessionIssue[] {
  const f = faultBound(nodes)
  const issues: SessionIssue[] = []
  if (byzantine > f) issues.push(issue('FAULTS_EXCEED_BOUND', faultFields, { count: byzantine, f }))
  // A crashing replica is faulty but not Byzantine: beyond f it costs liveness, not safety.
  else if (byzantine + crashing > f) issues.push(issue('FAULTS_EXCEED_LIVENESS_BOUND', faultFields, { count: byzantine + crashing, crashing, f }))
  if (nodes !== 3 * f + 1 && rule === 'original') issues.push(issue('NOT_3F_PLUS_1', ['nodeCount', 'quorumRule'], { nodes, f, ideal: 3 * f + 1 }))
  return issues
}

/**
 * `faultBoundIssues` for the seats' kinds: Byzantine seats count against safety, crashing ones
 * (faulty, not Byzantine) only against liveness. Session creation and the live seat changes
 * both count through here.
 */
export function seatFaultIssues(
  nodes: number,
  faults: readonly FaultKind[],
  rule: QuorumRule,
  faultBound: FaultBoundOf,
  faultFields: IssueFields = COUNTED_FAULT_FIELDS,
): SessionIssue[] {
  const byzantine = faults.filter(isByzantineKind).length
  const crashing = faults.filter((kind) => kind === 'crash').length
  return faultBoundIssues(nodes, byzantine, rule, faultBound, faultFields, crashing)
}

/**
 * Every issue of a draft: errors first, in the order the server reports the first of them
 * (timing, idle bot, faults), then warnings in the order it lists them.
 */
export function sessionIssues(draft: SessionDraft, faultBound: FaultBoundOf): SessionIssue[] {
  const issues: SessionIssue[] = []
  const push = (found: SessionIssue | null) => {
    if (found) issues.push(found)
  }
  push(timingIssue(draft))
  push(idleBotIssue(draft))
  const { nodeCount, faultyNodes, maliciousProposer = false, faults: faultMap } = draft
  if (faultyNodes !== undefined && faultyNodes >= nodeCount) {
    push(issue('FAULTS_TOO_MANY', ['faultyNodes', 'nodeCount'], { faultyNodes, nodeCount }))
  }
  const faults = seatFaults(draft)
  const byzantine = faults.filter((kind) => kind !== 'honest').length
  const faultFields = faultMap !== undefined ? MAPPED_FAULT_FIELDS : COUNTED_FAULT_FIELDS
  if (byzantine >= nodeCount) push(issue('ONE_HONEST_REQUIRED', faultFields, { nodeCount }))
  if (faultMap !== undefined && ((faultyNodes !== undefined && faultyNodes !== byzantine) || (maliciousProposer && faults[0] === 'honest'))) {
    push(issue('FAULTS_MAP_OVERRIDES', ['faults', 'faultyNodes', 'maliciousProposer'], { count: byzantine }))
  }
  issues.push(...seatFaultIssues(nodeCount, faults, draft.quorumRule, faultBound, faultFields))
  const robotNodes = draft.robotNodes ?? 0
  if (robotNodes > 0) push(issue('SEATS_KEPT_FOR_BOTS', ['robotNodes', 'nodeCount'], { first: nodeCount - robotNodes, last: nodeCount - 1, robotNodes }))
  return issues
}
