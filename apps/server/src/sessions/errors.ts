import { ConfigError, LiveRoundError, type LiveRoundErrorCode } from '@pbft/engine'

/** Machine codes a client may see from the session service, with their HTTP status. */
export const SESSION_ERROR_STATUS = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_BYZANTINE: 403,
  /** The host kicked this client from the session; it may claim again once the host allows it. */
  KICKED: 403,
  NOT_FOUND: 404,
  LOCKED: 409,
  NO_FREE_SEAT: 409,
  SEAT_TAKEN: 409,
  NO_ROUND: 409,
  ROUND_RUNNING: 409,
  ROUND_OVER: 409,
  NOT_PENDING: 409,
  BUSY: 409,
  RATE_LIMITED: 429,
  /** A batch experiment of this client is running, or too many in the server. */
  TOO_MANY_BATCHES: 429,
  /** Too many `history?round=r` replays in flight for this client, or in the server. */
  TOO_MANY_REPLAYS: 429,
  /** This client asked for too many session codes that do not exist (guessing). */
  TOO_MANY_LOOKUPS: 429,
  /** The change is live but could not be written (disk full, store unreachable): not durable. */
  STORAGE: 503,
  /** The server keeps as many sessions as it may (MAX_SESSIONS) and none is idle enough to expire. */
  SERVER_FULL: 503,
} as const
export type SessionErrorCode = keyof typeof SESSION_ERROR_STATUS

/**
 * A refused request, whoever made it (REST or socket). It carries `statusCode` and `code`, so
 * the HTTP error handler answers it as `{ error: { code, message } }` like any other 4xx, and
 * the socket gateway acknowledges it as `{ ok: false, error }`.
 */
export class SessionError extends Error {
  override name = 'SessionError'
  readonly statusCode: number

  constructor(
    readonly code: SessionErrorCode,
    message: string,
  ) {
    super(message)
    this.statusCode = SESSION_ERROR_STATUS[code]
  }
}

/** No session has this code: the lookups a guessing client makes (see LookupLimiter). */
export class UnknownSessionError extends SessionError {
  constructor(sessionId: string) {
    super('NOT_FOUND', `no session ${sessionId}`)
  }
}

const LIVE_ROUND_CODES: Record<LiveRoundErrorCode, SessionErrorCode> = {
  'not-pending': 'NOT_PENDING',
  'round-over': 'ROUND_OVER',
  'not-byzantine': 'NOT_BYZANTINE',
  'bad-value': 'VALIDATION',
  'unknown-replica': 'VALIDATION',
  'round-not-over': 'ROUND_RUNNING',
}

/** The engine refuses misuse with its own errors; clients get them as session errors. */
export function asSessionError(error: unknown): unknown {
  if (error instanceof LiveRoundError) return new SessionError(LIVE_ROUND_CODES[error.code], error.message)
  if (error instanceof ConfigError) return new SessionError('VALIDATION', error.message)
  return error
}
