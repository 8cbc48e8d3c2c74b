import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { CoalescingQueue, serialise } from './coalescingQueue'
import { DataDirLock } from './dataDirLock'
import { checkDocumentId } from './documentId'
import { errnoOf, removeFile, storeError, syncDirectory, TEMP_SUFFIX, writeAtomically } from './durableFiles'
import { Journal, type OpenJournalFile } from './journal'
import { JournaledParts } from './journaledParts'
import { deleteRecord, putRecord } from './journalRecords'
import { DOCUMENT_FILE, readSessionFile, recoverJournals, sessionFileIds } from './sessionFiles'
import { modifiedAt, SessionIndexFile } from './sessionIndexFile'
import { SessionSnapshots } from './sessionSnapshots'
import { HEAD_READ_BYTES, runningIn, SerialisedDocument, StoreError, type ExperimentHeadText, type SessionIndexEntry, type SessionStore } from './sessionStore'

// Re-exported: the other stores check ids the same way.
export { checkDocumentId }

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
    private readonly index: SessionIndexFile,
    private readonly problemList: string[],
  ) {
    // The index is written by each snapshot pass, with the snapshots it describes.
    this.snapshots = new SessionSnapshots(sessionsDir, journal, snapshotDelayMs, warn, () => index.write())
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
    const problems: string[] = []
    const problem = (message: string): void => {
      warn(message)
      problems.push(message)
      if (problems.length > MAX_WARNINGS) problems.shift()
    }
    let journal: Journal
    let index: SessionIndexFile
    try {
      const { nextSeq, recovered } = await recoverJournals(sessionsDir, warn)
      // Sessions the index file does not know (a DATA_DIR from before it) are read once.
      index = await SessionIndexFile.open(sessionsDir, await sessionFileIds(sessionsDir), async (id) => {
        const document = await readSessionFile(sessionsDir, id, problem)
        return document === null ? null : { running: runningIn(document), lastActiveAt: await modifiedAt(join(sessionsDir, `${id}.json`)) }
      })
      for (const record of recovered) {
        if (record.op === 'put') index.set(record.id, runningIn(record.doc))
        else index.delete(record.id)
      }
      if (await index.write()) await syncDirectory(sessionsDir)
      journal = await Journal.open(sessionsDir, nextSeq, {
        rotateBytes: options.journalBytes ?? DEFAULT_JOURNAL_BYTES,
        openFile: options.openJournalFile,
        onWarning: warn,
      })
    } catch (error) {
      await lock.release()
      throw error
    }
    const delay = options.snapshotDelayMs ?? DEFAULT_SNAPSHOT_DELAY_MS
    return new FileSessionStore(dataDir, sessionsDir, experimentsDir, journal, lock, warnings, warn, delay, index, problems)
  }

  /** Every stored session's id, last save and whether a round was running: no document is read. */
  async sessionIndex(): Promise<SessionIndexEntry[]> {
    return this.index.list()
  }

  /** One session's document: its journaled state if its snapshot is not written yet, else its snapshot (see readSessionFile). */
  async loadSession(id: string): Promise<unknown> {
    checkDocumentId(id)
    const pending = this.snapshots.unwritten(id)
    if (pending !== undefined) return pending === null ? null : (JSON.parse(pending) as unknown)
    if (!this.index.has(id)) return null
    return readSessionFile(this.sessionsDir, id, (message) => this.problem(message))
  }

  /** The snapshot files, with the sessions saved since their last snapshot in their journaled state. */
  async loadSessions(): Promise<unknown[]> {
    // Taken first: a snapshot written while the files are read is never older than this.
    const unwritten = this.snapshots.unwrittenAll()
    const documents = new Map<string, unknown>()
    for (const id of await sessionFileIds(this.sessionsDir)) {
      if (unwritten.has(id)) continue
      const document = await readSessionFile(this.sessionsDir, id, (message) => this.problem(message))
      if (document !== null) documents.set(id, document)
    }
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
    this.index.set(id, runningIn(document))
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
    this.index.delete(id)
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

  /** Stored files that could not be read (quarantined) or were replaced by their previous generation. */
  problems(): readonly string[] {
    return this.problemList
  }

  private problem(message: string): void {
    this.warn(message)
    this.problemList.push(message)
    if (this.problemList.length > MAX_WARNINGS) this.problemList.shift()
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
