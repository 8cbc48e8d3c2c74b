import { z } from 'zod'
import { SESSION_LIMITS } from './limits'

/**
 * The vocabulary of live sessions: fault kinds, phases and message types, statuses, session
 * codes and replica ids, shared by the REST bodies, the views, the records and the stored
 * document.
 */

/**
 * How one replica behaves: the engine's FaultKind plus `crash` (appended with views), a benign
 * fault: the replica is honest until it is the primary of a view, sends that view's proposal
 * (PRE-PREPARE or NEW-VIEW) to only f + 1 backups, the ones after it in id order, and stops.
 * Every kind but `honest` is faulty; every faulty kind but `crash` is Byzantine.
 */
export const FAULT_KINDS = ['honest', 'silent', 'wrong-value', 'equivocate', 'tamper', 'crash'] as const
export const FaultKind = z.enum(FAULT_KINDS)
export type FaultKind = z.infer<typeof FaultKind>

export const BYZANTINE_KINDS = ['silent', 'wrong-value', 'equivocate', 'tamper'] as const
export const ByzantineKind = z.enum(BYZANTINE_KINDS)
export type ByzantineKind = z.infer<typeof ByzantineKind>

/** Byzantine: it may send what the protocol does not say (`crash` is faulty but not Byzantine). */
export function isByzantineKind(kind: FaultKind): kind is ByzantineKind {
  return kind !== 'honest' && kind !== 'crash'
}

/** Drawn on the dashboard only: every replica still sends to every other one. */
export const TOPOLOGIES = ['full', 'ring', 'star', 'tree'] as const
export const Topology = z.enum(TOPOLOGIES)
export type Topology = z.infer<typeof Topology>

/** The normal case's phases (a failure names the first whose set fell short). */
export const PHASES = ['pre-prepare', 'prepare', 'commit'] as const
export const Phase = z.enum(PHASES)
export type Phase = z.infer<typeof Phase>

/**
 * Every type of message a round carries (the engine's MessageType), in the order a round meets
 * them: the client's REQUEST, the normal case, the REPLYs to the client, the view change.
 */
export const MESSAGE_TYPES = ['request', 'pre-prepare', 'prepare', 'commit', 'reply', 'view-change', 'new-view'] as const
export const MessageType = z.enum(MESSAGE_TYPES)
export type MessageType = z.infer<typeof MessageType>

/**
 * The phase a round is in: one per message type, then `done`. Rounds with views open
 * `request, pre-prepare, prepare, commit, reply` in view 0 and
 * `view-change, new-view, prepare, commit, reply` in every later view (the engine's
 * FIRST_VIEW_PHASES and LATER_VIEW_PHASES); rounds stored before views: the normal case only.
 */
export const LIVE_PHASES = ['pre-prepare', 'prepare', 'commit', 'done', 'request', 'reply', 'view-change', 'new-view'] as const
export const LivePhase = z.enum(LIVE_PHASES)
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

/** An integer in [0, max] whose error says what was expected. */
export const nonNegativeInt = (max: number) =>
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
export const StoredReplicaKey = z.string().regex(/^\d{1,3}$/, { error: 'expected a replica id' })
export const ReplicaId = nonNegativeInt(SESSION_LIMITS.maxNodes - 1)
/** `/api/sessions/:id/seats/:nodeId/…` */
export const SeatParams = SessionParams.extend({ nodeId: z.coerce.number({ error: 'expected a seat number' }).pipe(ReplicaId) })

export const ChoiceValue = z.string().min(1).max(SESSION_LIMITS.maxValueLength)

/** A seat's role in the view being played: the primary is `view mod N` (replica 0 before any view change). */
export const SeatRole = z.enum(['primary', 'backup'])
export type SeatRole = z.infer<typeof SeatRole>

/** The primary of view `view` among `nodes` replicas (OSDI'99 §4.1). */
export function primaryOfView(view: number, nodes: number): number {
  return view % nodes
}
