import { ConfigError, LiveRoundError, type LiveRoundErrorCode } from '@pbft/engine'
import { DomainError, type DomainErrorCode } from '../errors/domainError'

/**
 * A refusal of the session service (REST or socket alike): a DomainError, answered through the
 * one table of errors/refusals.ts (e.g. 404 NOT_FOUND, an ack `{ ok: false, error }`).
 */
export class SessionError extends DomainError {
  override name = 'SessionError'

  constructor(code: DomainErrorCode, message: string) {
    super(code, message)
  }
}

/** No session has this code: the lookups a guessing client makes (see LookupLimiter). */
export class UnknownSessionError extends SessionError {
  constructor(sessionId: string) {
    super('NOT_FOUND', `no session ${sessionId}`)
  }
}

const LIVE_ROUND_CODES: Record<LiveRoundErrorCode, DomainErrorCode> = {
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
