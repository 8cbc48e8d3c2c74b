import { z } from 'zod'
import { SessionConfig } from './sessionSettings'
import { FaultKind, LivePhase, SeatRole, SessionStatus } from './terms'

/** The public picture of a session: its seats, who plays them, and the session's state. */

/** Who plays a seat right now. */
export const PlayedBy = z.enum(['human', 'bot', 'nobody'])
export type PlayedBy = z.infer<typeof PlayedBy>

export const SeatInfo = z.object({
  nodeId: z.int(),
  /** In the view being played (`view mod N` is the primary); replica 0 is the primary of view 0. */
  role: SeatRole,
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
  /** Byzantine: a faulty kind other than `crash`. */
  isByzantine: z.boolean(),
  /**
   * The host kicked a holder of this seat, who may not claim a seat of this session again
   * until the host allows it (`host:allow-seat`, `POST …/seats/:nodeId/allow`).
   */
  barred: z.boolean().optional(),
  /** This seat's holder also plays the client (the session's `clientSeat`; appended). */
  client: z.boolean().optional(),
})
export type SeatInfo = z.infer<typeof SeatInfo>

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
  /** The view being played and its primary (appended; null without a round on show). */
  view: z.int().nullable().optional(),
  primary: z.int().nullable().optional(),
})
export type SessionInfo = z.infer<typeof SessionInfo>
