/**
 * Where sessions and finished experiments live between restarts. The embedded default writes
 * atomic JSON snapshots under DATA_DIR; a Redis implementation can take its place (REDIS_URL).
 *
 * Stores hold plain JSON documents and know nothing of their shape: each document carries its
 * own schema version (`v`), and the session service parses and migrates what it loads with the
 * zod schemas of `@pbft/protocol`.
 */
/** What a store knows of a session without reading its document. */
export interface SessionIndexEntry {
  id: string
  /** Epoch ms of its last save (a change): sessions idle longer than SESSION_TTL_DAYS expire. */
  lastActiveAt: number
  /** A round was running at the last save: the session is loaded and resumed at start. */
  running: boolean
}

export interface SessionStore {
  /** Every stored session document. */
  loadSessions(): Promise<unknown[]>
  /**
   * The small index of every stored session, so that documents can be loaded one by one, when
   * first used (`loadSession`). Stores without it are loaded whole at start (`loadSessions`).
   */
  sessionIndex?(): Promise<SessionIndexEntry[]>
  /** One session document, or null when there is none (or it cannot be read: see problems). */
  loadSession?(id: string): Promise<unknown>
  /** Replaces a session's document; resolves once it is durable (a later save may coalesce it). */
  saveSession(id: string, document: unknown): Promise<void>
  deleteSession(id: string): Promise<void>
  /**
   * The head of every stored experiment document: its text up to the first line break (all
   * of it when there is none), read without the rest. Experiment documents put every field
   * but their results on that line (experiments/recordText.ts), so the index of experiments
   * is read without megabytes of results.
   */
  loadExperimentHeads(): Promise<ExperimentHeadText[]>
  /** One experiment document's text, or null when there is none. */
  loadExperiment(id: string): Promise<string | null>
  /** Replaces an experiment document (JSON text); resolves once it is durable. */
  saveExperiment(id: string, text: string): Promise<void>
  /** Deletes an experiment document (none: nothing to do); resolves once that is durable. */
  deleteExperiment(id: string): Promise<void>
  /** Waits for pending writes, then releases resources. */
  close(): Promise<void>
  /**
   * Stored data that could not be read and needs a person's look (a quarantined file), for
   * `/api/health`; none when absent.
   */
  problems?(): readonly string[]
}

/** The first line of a stored experiment document (see `loadExperimentHeads`). */
export interface ExperimentHeadText {
  id: string
  head: string
}

/** Reads of a head stop here when no line break came: a document stored in one line is then read whole. */
export const HEAD_READ_BYTES = 64 * 1024

/** The text before the first line break (all of it when there is none). */
export function firstLine(text: string): string {
  const end = text.indexOf('\n')
  return end < 0 ? text : text.slice(0, end)
}

/** A piece of a document serialised once; `key` names it uniquely in this process. */
export interface SerialisedPart {
  key: number
  json: string
}

/** A document member made of parts: one (an object), or a list (an array of them). */
export type SerialisedMember = SerialisedPart | readonly SerialisedPart[]

/**
 * A document its owner already serialised, for stores to write as is. Most of a session's
 * document does not change from one act to the next: its history (up to 100 finished rounds,
 * each with its action log, ~12 KB at N = 100) never does, its seats (~16 KB) rarely do. The
 * session service serialises those once and hands them over as keyed `parts`, apart from the
 * rest (`fields`): the file store's journal then writes each part once per journal file, not
 * on every act (see journalRecords.ts).
 */
export class SerialisedDocument {
  private whole: string | null = null

  /**
   * `fields`: the JSON object text of the document; with `parts`, the document is that object
   * plus one member per part, in order.
   */
  constructor(
    readonly fields: string,
    readonly parts: Readonly<Record<string, SerialisedMember>> = {},
    /** What the store's index needs (whether a round is running), so that it never parses the document. */
    readonly meta?: { running: boolean },
  ) {}

  /** The whole document's JSON (built on first use: up to ~1 MB for a long session). */
  get json(): string {
    this.whole ??= withMembers(
      this.fields,
      Object.entries(this.parts).map(([name, member]) => [name, isList(member) ? `[${member.map((part) => part.json).join(',')}]` : member.json]),
    )
    return this.whole
  }
}

export function isList(member: SerialisedMember): member is readonly SerialisedPart[] {
  return Array.isArray(member)
}

/** `fields` (a JSON object's text) with members `[name, JSON text]` appended. */
function withMembers(fields: string, members: readonly (readonly [string, string])[]): string {
  if (members.length === 0) return fields
  const open = fields.slice(0, -1).trimEnd()
  const added = members.map(([name, json]) => `${JSON.stringify(name)}:${json}`).join(',')
  return `${open}${open === '{' ? '' : ','}${added}}`
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

/** Whether a session document (plain or serialised) has a running round. */
export function runningIn(document: unknown): boolean {
  if (document instanceof SerialisedDocument) {
    if (document.meta) return document.meta.running
    const fields = JSON.parse(document.fields) as { current?: unknown }
    return fields.current !== null && fields.current !== undefined
  }
  return typeof document === 'object' && document !== null && 'current' in document && document.current !== null && document.current !== undefined
}
