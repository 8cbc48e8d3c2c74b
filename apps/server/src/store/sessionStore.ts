/**
 * Where sessions and finished experiments live between restarts. The embedded default writes
 * atomic JSON snapshots under DATA_DIR; a Redis implementation can take its place (REDIS_URL).
 *
 * Stores hold plain JSON documents and know nothing of their shape: each document carries its
 * own schema version (`v`), and the session service parses and migrates what it loads with the
 * zod schemas of `@pbft/protocol`.
 */
export interface SessionStore {
  /** Every stored session document. */
  loadSessions(): Promise<unknown[]>
  /** Replaces a session's document; resolves once it is durable (a later save may coalesce it). */
  saveSession(id: string, document: unknown): Promise<void>
  deleteSession(id: string): Promise<void>
  /** Every stored (finished or cancelled) experiment document. */
  loadExperiments(): Promise<unknown[]>
  saveExperiment(id: string, document: unknown): Promise<void>
  /** Waits for pending writes, then releases resources. */
  close(): Promise<void>
}

/**
 * A document its owner already serialised, for stores to write as is. A session's history
 * (up to 100 finished rounds, each with its action log) never changes once written, so the
 * session service serialises each round once instead of the whole document on every act.
 */
export class SerialisedDocument {
  constructor(readonly json: string) {}
}

/** A store could not read or write; `message` says what and where, for people. */
export class StoreError extends Error {
  override name = 'StoreError'
  constructor(
    message: string,
    readonly code: 'UNWRITABLE' | 'NO_SPACE' | 'CORRUPT' | 'IO' | 'IN_USE',
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
