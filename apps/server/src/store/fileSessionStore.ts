import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { CoalescingQueue, serialise } from './coalescingQueue'
import { DataDirLock } from './dataDirLock'
import { checkDocumentId } from './documentId'
import { errnoOf, removeFile, storeError, syncDirectory, TEMP_SUFFIX, writeAtomically } from './durableFiles'
import { Journal, listJournalFiles, type OpenJournalFile } from './journal'
import { JournaledParts } from './journaledParts'
import { deleteRecord, putRecord, replayJournal, type JournalRecord } from './journalRecords'
import { SessionSnapshots } from './sessionSnapshots'
import { HEAD_READ_BYTES, SerialisedDocument, StoreError, type ExperimentHeadText, type SessionStore } from './sessionStore'

// Re-exported: the other stores check ids the same way.
export { checkDocumentId }

const DOCUMENT_FILE = /^([A-Za-z0-9_-]{1,64})\.json$/

/** One stored file: its directory (for the temp file and the directory fsync) and its path. */
interface FileTarget {
  dir: string
  path: string
}

export interface FileStoreOptions {
  /** A journal file that has grown past this many bytes is closed, and deleted once snapshots cover it (default 8 MiB). */
  journalBytes?: number
  /** How long a saved session waits for its snapshot file; the saves in between cost one snapshot (default 500 ms). */
  snapshotDelayMs?: number
  /** Told of every problem that rejects no caller (a snapshot that failed, a torn journal line); they are also kept in `warnings`. */
  onWarning?: (message: string) => void
  /** Opens a journal file for appending (tests count syncs and inject faults here). */
  openJournalFile?: OpenJournalFile
}

const DEFAULT_JOURNAL_BYTES = 8 * 1024 * 1024
const DEFAULT_SNAPSHOT_DELAY_MS = 500
/** `warnings` keeps the newest ones only, so that a long-failing disk cannot fill the memory. */
const MAX_WARNINGS = 100
/** Snapshot files written at once during recovery. */
const RECOVERY_WRITES = 8

/**
 * Puts the journals a previous run left (a crash, or a close whose snapshots failed) into the
 * snapshot files, then deletes them. The surviving journals hold only records at least as new
 * as the snapshots (see Journal.dropRetired), so replaying them in order over the snapshots,
 * latest record per id winning, gives the state of the last acknowledged saves.
 */
async function recoverJournals(dir: string, warn: (message: string) => void): Promise<number> {
  const files = await listJournalFiles(dir)
  const state = new Map<string, JournalRecord>()
  for (const file of files) {
    let text: string
    try {
      text = await readFile(file.path, 'utf8')
    } catch (error) {
      // Starting without it would silently drop acknowledged saves.
      throw storeError(error, 'read the journal', file.path)
    }
    replayJournal(text, file.path, state, warn)
  }
  const records = [...state.values()]
  for (let start = 0; start < records.length; start += RECOVERY_WRITES) {
    await Promise.all(
      records.slice(start, start + RECOVERY_WRITES).map((record) => {
        const path = join(dir, `${record.id}.json`)
        return record.op === 'put' ? writeAtomically(dir, path, `${serialise(record.doc)}\n`) : removeFile(dir, path)
      }),
    )
  }
  // Oldest first: if this is interrupted, the files left are the newest, still safe to replay.
  for (const file of files) {
    try {
      await unlink(file.path)
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw storeError(error, 'delete the replayed journal', file.path)
    }
  }
  if (files.length > 0) await syncDirectory(dir)
  return (files.at(-1)?.seq ?? 0) + 1
}

/**
 * The embedded store, under DATA_DIR:
 *
 * - Sessions are saved to a write-ahead journal (`sessions/journal-<n>.log`, see Journal): a save
 *   resolves once its record is appended and fdatasync'ed, and the saves that arrive while one
 *   sync runs share the next one (group commit), so a busy class costs a sync per batch, not
 *   eight file-system calls per save. A session's seats and history rounds go into each
 *   journal file once (JournaledParts), not into every record. Snapshot files
 *   (`sessions/<id>.json`, replaced atomically) follow in the background (SessionSnapshots), and journal files are deleted
 *   once snapshots cover them. Opening the store replays what a crash left in the journal.
 * - Experiments are rare writes: each save replaces `experiments/<id>.json` atomically (and is
 *   durable when it resolves). Saves to one file are serialised and coalesced (CoalescingQueue).
 *   Listing them reads each file's first line only (its fields; the results follow).
 */
export class FileSessionStore implements SessionStore {
  private readonly queue = new CoalescingQueue<FileTarget>(({ dir, path }, operation) =>
    operation.kind === 'write' ? writeAtomically(dir, path, operation.data) : removeFile(dir, path),
  )
  private readonly snapshots: SessionSnapshots
  private readonly parts = new JournaledParts()
  private closing: Promise<void> | null = null

  private constructor(
    readonly dataDir: string,
    private readonly sessionsDir: string,
    private readonly experimentsDir: string,
    private readonly journal: Journal,
    private readonly lock: DataDirLock,
    /** Documents and journal lines skipped on load, failed background snapshots …, for people: the store never crashes on them. */
    readonly warnings: string[],
    private readonly warn: (message: string) => void,
    snapshotDelayMs: number,
  ) {
    this.snapshots = new SessionSnapshots(sessionsDir, journal, snapshotDelayMs, warn)
  }

  /**
   * Creates the directories and proves they are writable now, so that a bad DATA_DIR stops
   * start-up with a clear StoreError rather than failing the first save in the middle of a class.
   * Then recovers what the journal of an earlier run holds, and starts a new journal file.
   */
  static async open(dataDir: string, options: FileStoreOptions = {}): Promise<FileSessionStore> {
    const sessionsDir = join(dataDir, 'sessions')
    const experimentsDir = join(dataDir, 'experiments')
    const warnings: string[] = []
    const warn = (message: string): void => {
      warnings.push(message)
      if (warnings.length > MAX_WARNINGS) warnings.shift()
      try {
        options.onWarning?.(message)
      } catch {
        // A broken hook must not break the store; the message is in `warnings`.
      }
    }
    for (const dir of [sessionsDir, experimentsDir]) {
      try {
        await mkdir(dir, { recursive: true })
      } catch (error) {
        throw storeError(error, 'create the data directory', dir)
      }
      await removeStaleTempFiles(dir)
      const probe = join(dir, '.write-check')
      await writeAtomically(dir, probe, 'ok')
      await removeFile(dir, probe)
    }
    const lock = await DataDirLock.acquire(dataDir)
    let journal: Journal
    try {
      const nextSeq = await recoverJournals(sessionsDir, warn)
      journal = await Journal.open(sessionsDir, nextSeq, {
        rotateBytes: options.journalBytes ?? DEFAULT_JOURNAL_BYTES,
        openFile: options.openJournalFile,
        onWarning: warn,
      })
    } catch (error) {
      await lock.release()
      throw error
    }
    return new FileSessionStore(dataDir, sessionsDir, experimentsDir, journal, lock, warnings, warn, options.snapshotDelayMs ?? DEFAULT_SNAPSHOT_DELAY_MS)
  }

  /** The snapshot files, with the sessions saved since their last snapshot in their journaled state. */
  async loadSessions(): Promise<unknown[]> {
    // Taken first: a snapshot written while the files are read is never older than this.
    const unwritten = this.snapshots.unwritten()
    const documents = await this.loadAll(this.sessionsDir, (id) => !unwritten.has(id))
    for (const [id, data] of unwritten) {
      if (data !== null) documents.set(id, JSON.parse(data) as unknown)
    }
    return [...documents.keys()].sort().map((id) => documents.get(id))
  }

  // The methods below are async so that a bad id or document rejects rather than throws; the
  // journaling itself still starts synchronously, in call order.
  async saveSession(id: string, document: unknown): Promise<void> {
    checkDocumentId(id)
    this.checkOpen()
    if (document instanceof SerialisedDocument) {
      // The whole JSON is built only if a snapshot is written, at most every snapshotDelayMs.
      const save = this.parts.save(id, document)
      return this.journal.append(save.line, {
        key: id,
        onDurable: (seq) => {
          save.onDurable(seq)
          this.snapshots.recorded(id, document, seq)
        },
      })
    }
    const data = serialise(document)
    return this.journal.append(putRecord(id, data), { key: id, onDurable: (seq) => this.snapshots.recorded(id, data, seq) })
  }

  async deleteSession(id: string): Promise<void> {
    checkDocumentId(id)
    this.checkOpen()
    this.parts.forget(id)
    return this.journal.append(deleteRecord(id), { key: id, onDurable: (seq) => this.snapshots.recorded(id, null, seq) })
  }

  async loadExperimentHeads(): Promise<ExperimentHeadText[]> {
    const heads: ExperimentHeadText[] = []
    for (const id of await this.documentIds(this.experimentsDir)) {
      const path = join(this.experimentsDir, `${id}.json`)
      try {
        heads.push({ id, head: await readHead(path) })
      } catch (error) {
        this.warn(`skipped ${path}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    return heads
  }

  async loadExperiment(id: string): Promise<string | null> {
    checkDocumentId(id)
    const path = join(this.experimentsDir, `${id}.json`)
    try {
      return await readFile(path, 'utf8')
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return null
      throw storeError(error, 'read', path)
    }
  }

  async saveExperiment(id: string, text: string): Promise<void> {
    checkDocumentId(id)
    this.checkOpen()
    const path = join(this.experimentsDir, `${id}.json`)
    return this.queue.enqueue(path, { dir: this.experimentsDir, path }, { kind: 'write', data: text })
  }

  async deleteExperiment(id: string): Promise<void> {
    checkDocumentId(id)
    this.checkOpen()
    const path = join(this.experimentsDir, `${id}.json`)
    return this.queue.enqueue(path, { dir: this.experimentsDir, path }, { kind: 'delete' })
  }

  /**
   * Writes every pending session snapshot now and deletes the journal files they cover
   * (otherwise that happens in the background). Failures are warnings, not rejections.
   */
  flushSnapshots(): Promise<void> {
    return this.snapshots.flush()
  }

  /**
   * Refuses new work, waits for the pending saves, then writes the pending snapshots so that the
   * journal can go. If a snapshot fails the journal stays, and the next open recovers from it.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.journal.close()
      this.snapshots.stop()
      await this.snapshots.flush()
      await this.queue.whenIdle()
      await this.lock.release()
    })()
    return this.closing
  }

  private checkOpen(): void {
    if (this.closing) throw new StoreError(`the store at ${this.dataDir} is closed`, 'IO')
  }

  /** The ids of the documents in `dir`, sorted. */
  private async documentIds(dir: string): Promise<string[]> {
    let names: string[]
    try {
      names = await readdir(dir)
    } catch (error) {
      throw storeError(error, 'list', dir)
    }
    return names
      .sort()
      .map((name) => DOCUMENT_FILE.exec(name)?.[1])
      .filter((id) => id !== undefined)
  }

  /** The documents in `dir` by id, those `wanted` only; unreadable ones are skipped with a warning. */
  private async loadAll(dir: string, wanted: (id: string) => boolean): Promise<Map<string, unknown>> {
    const documents = new Map<string, unknown>()
    for (const id of await this.documentIds(dir)) {
      if (!wanted(id)) continue
      const path = join(dir, `${id}.json`)
      try {
        documents.set(id, JSON.parse(await readFile(path, 'utf8')) as unknown)
      } catch (error) {
        this.warn(`skipped ${path}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    return documents
  }
}

/** Temp files of a write that a crash interrupted: their rename never happened, so they are garbage. */
async function removeStaleTempFiles(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.endsWith(TEMP_SUFFIX)) await unlink(join(dir, name)).catch(() => undefined)
  }
}

/** A file's text up to its first line break, reading HEAD_READ_BYTES at most unless no break comes. */
async function readHead(path: string): Promise<string> {
  const file = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(HEAD_READ_BYTES)
    const { bytesRead } = await file.read(buffer, 0, HEAD_READ_BYTES, 0)
    const end = buffer.subarray(0, bytesRead).indexOf(0x0a)
    if (end >= 0) return buffer.toString('utf8', 0, end)
    if (bytesRead < HEAD_READ_BYTES) return buffer.toString('utf8', 0, bytesRead)
  } finally {
    await file.close()
  }
  // One long line (a document stored before results went one per line): all of it.
  const text = await readFile(path, 'utf8')
  const end = text.indexOf('\n')
  return end < 0 ? text : text.slice(0, end)
}
