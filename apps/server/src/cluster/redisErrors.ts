import { DomainError } from '../errors/domainError'

/**
 * A failed Redis call (server down, unreachable, retries used up) as the refusal clients are
 * promised: 503 STORAGE / ack code STORAGE, not an internal error. Refusals with their own code
 * (a DomainError, also when it came back from another instance) pass unchanged.
 */
export function storageUnavailable(error: unknown): unknown {
  if (error instanceof DomainError) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new DomainError('STORAGE', `the session store (Redis) cannot be reached: ${reason}`)
}
