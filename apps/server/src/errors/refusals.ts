import type { DomainError, DomainErrorCode } from './domainError'

/**
 * How each refusal is answered at the edge: its HTTP status, and the code clients see when it
 * is not the domain code itself. The one table of status/code pairs (docs/protocol.md lists
 * them per route and event), read by the HTTP error handler and the socket gateway. Between
 * instances of a cluster a refusal travels as its domain code, and is answered here at the
 * edge it reaches the client through.
 */
export const REFUSALS = {
  VALIDATION: { status: 400 },
  UNAUTHORIZED: { status: 401 },
  FORBIDDEN: { status: 403 },
  NOT_BYZANTINE: { status: 403 },
  KICKED: { status: 403 },
  NOT_FOUND: { status: 404 },
  LOCKED: { status: 409 },
  NO_FREE_SEAT: { status: 409 },
  SEAT_TAKEN: { status: 409 },
  NO_ROUND: { status: 409 },
  ROUND_RUNNING: { status: 409 },
  ROUND_OVER: { status: 409 },
  NOT_PENDING: { status: 409 },
  WRONG_PHASE: { status: 409 },
  TIMER_RUNNING: { status: 409 },
  NOT_NEW_PRIMARY: { status: 403 },
  NOT_CLIENT: { status: 403 },
  BUSY: { status: 409 },
  CONFLICT: { status: 409 },
  RATE_LIMITED: { status: 429 },
  TOO_MANY_BATCHES: { status: 429 },
  TOO_MANY_REPLAYS: { status: 429 },
  TOO_MANY_LOOKUPS: { status: 429 },
  TOO_MANY_SESSIONS: { status: 429 },
  // The experiment routes said BUSY with 429 before sessions said BUSY with 409; both stay.
  EXPERIMENTS_FULL: { status: 429, code: 'BUSY' },
  EXPERIMENT_LIMIT: { status: 429 },
  TOO_MANY_READS: { status: 429 },
  // 503s are deliberate, explained refusals a client may retry, not internal errors.
  STORAGE: { status: 503 },
  SERVER_FULL: { status: 503 },
  UNAVAILABLE: { status: 503 },
} as const satisfies Record<DomainErrorCode, { status: number; code?: string }>

/** What a client receives for a refusal: `{ code, message }`, the body of HTTP errors and socket acks. */
export interface Refusal {
  code: string
  message: string
}

/** The HTTP status of a domain error. */
export function httpStatus(error: DomainError): number {
  return REFUSALS[error.code].status
}

/** The code and message a client receives for a domain error. */
export function refusal(error: DomainError): Refusal {
  const entry: { status: number; code?: string } = REFUSALS[error.code]
  return { code: entry.code ?? error.code, message: error.message }
}

/**
 * What a client receives for anything that is not a refusal (a bug, a store that threw
 * something unexpected): 500 over HTTP, and never its details. The transports also refuse a
 * few things themselves before any domain is asked (another site's page: 403
 * FORBIDDEN_ORIGIN, a body that is not JSON: 415, a socket event that does not exist:
 * UNKNOWN_EVENT, an unknown route: 404 NOT_FOUND), where they happen.
 */
export const INTERNAL: Refusal = { code: 'INTERNAL', message: 'internal server error' }

