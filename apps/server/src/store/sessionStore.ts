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

/** One round of a session's history, serialised once; `key` names it uniquely in this process. */
export interface SerialisedRound {
  key: number
  json: string
}

/**
 * A document its owner already serialised, for stores to write as is. A session's history
 * (up to 100 finished rounds, each with its action log, ~12 KB at N = 100) never changes once
 * written, so the session service serialises each round once, and hands it over apart from
 * the rest (`fields`): the file store's journal then writes a round once per journal file
 * instead of the whole history on every act (see journalRecords.ts).
 */
export class SerialisedDocument {
  private whole: string | null = null

  /**
   * `fields`: the JSON object text of the document; with `rounds`, the document is that object
   * plus a `rounds` array of those rounds, in order.
   */
  constructor(
    readonly fields: string,
    readonly rounds?: readonly SerialisedRound[],
  ) {}

  /** The whole document's JSON (built on first use: up to ~1 MB for a long session). */
  get json(): string {
    if (this.whole === null) this.whole = this.rounds === undefined ? this.fields : withRounds(this.fields, this.rounds.map((round) => round.json))
    return this.whole
  }
}

/** `fields` (a JSON object's text) with a `rounds` member of the given JSON texts appended. */
export function withRounds(fields: string, rounds: readonly string[]): string {
  const open = fields.slice(0, -1).trimEnd()
  return `${open}${open === '{' ? '' : ','}"rounds":[${rounds.join(',')}]}`
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
