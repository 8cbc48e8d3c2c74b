/**
 * Every refusal the server's domains (sessions, experiments, the cluster) may make, by machine
 * code. The codes are what clients see: the `code` of an HTTP `{ error: { code, message } }` and
 * of a socket acknowledgement's `error`. Their HTTP statuses live at the edge, in one table
 * (./refusals.ts): a domain says what went wrong, not how a transport answers it.
 */
export const DOMAIN_ERROR_CODES = [
  'VALIDATION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_BYZANTINE',
  /** The host kicked this client from the session; it may claim again once the host allows it. */
  'KICKED',
  'NOT_FOUND',
  'LOCKED',
  'NO_FREE_SEAT',
  'SEAT_TAKEN',
  'NO_ROUND',
  'ROUND_RUNNING',
  'ROUND_OVER',
  'NOT_PENDING',
  /** A view-change step sent in a phase it does not belong to (e.g. NEW-VIEW during prepare). */
  'WRONG_PHASE',
  /** The seat's view timer has not expired: it may not ask for a new primary yet. */
  'TIMER_RUNNING',
  /** Only the primary of the view being changed to sends NEW-VIEW. */
  'NOT_NEW_PRIMARY',
  /** Only the seat that plays the client sends the client's REQUEST. */
  'NOT_CLIENT',
  /** The session is busy with something else (a batch running, an owner that moved, shutting down). */
  'BUSY',
  /** An experiment that cannot be cancelled any more (it finished or failed). */
  'CONFLICT',
  'RATE_LIMITED',
  /** A batch experiment of this client is running, or too many in the server. */
  'TOO_MANY_BATCHES',
  /** Too many `history?round=r` replays in flight for this client, or in the server. */
  'TOO_MANY_REPLAYS',
  /** This client asked for too many session codes that do not exist (guessing). */
  'TOO_MANY_LOOKUPS',
  /** This client created too many sessions in the window. */
  'TOO_MANY_SESSIONS',
  /** As many experiments run as may at once (clients see `BUSY`, see ./refusals.ts). */
  'EXPERIMENTS_FULL',
  /** This client runs, or created, as many experiments as it may. */
  'EXPERIMENT_LIMIT',
  /** This client has as many costly reads (a stored experiment, a theory table) in flight as it may. */
  'TOO_MANY_READS',
  /** The change could not be written, or the store read (disk full, Redis unreachable). */
  'STORAGE',
  /** The server keeps as many sessions as it may (MAX_SESSIONS) and none is idle enough to expire. */
  'SERVER_FULL',
  /** The server is shutting down, or an instance it needs did not answer in time. */
  'UNAVAILABLE',
] as const

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number]

const KNOWN = new Set<string>(DOMAIN_ERROR_CODES)

/** Whether a string (e.g. one that came back from another instance) is a domain error code. */
export function isDomainErrorCode(code: string): code is DomainErrorCode {
  return KNOWN.has(code)
}

/**
 * A refused request, whoever made it and over whichever transport: a code from
 * DOMAIN_ERROR_CODES and a message for people. The HTTP error handler and the socket gateway
 * answer it through the one table of ./refusals.ts; anything else thrown is an internal error.
 */
export class DomainError extends Error {
  override name = 'DomainError'

  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message)
  }
}
