import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { CoalescingQueue, serialise, type StoreOperation } from './coalescingQueue'
import { StoreError, type SessionStore } from './sessionStore'

/** Document ids become file names, so they are limited to characters safe in both. */
const DOCUMENT_ID = /^[A-Za-z0-9_-]{1,64}$/

/** Throws for an id that is not a safe file name (a bug in the caller, not bad data). */
export function checkDocumentId(id: string): void {
  if (typeof id !== 'string' || !DOCUMENT_ID.test(id)) {
    throw new RangeError(`invalid document id ${JSON.stringify(id)}: ids match ${DOCUMENT_ID.source}`)
  }
}

const DOCUMENT_FILE = /^([A-Za-z0-9_-]{1,64})\.json$/
const TEMP_SUFFIX = '.tmp'

/** One stored file: its directory (for the temp file and the directory fsync) and its path. */
interface FileTarget {
  dir: string
  path: string
}

const UNWRITABLE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EISDIR'])
const NO_SPACE_CODES = new Set(['ENOSPC', 'EDQUOT'])

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined
}

/** A file-system failure as a StoreError that names the path and what to do about it. */
function storeError(error: unknown, action: string, path: string): StoreError {
  const code = errnoOf(error)
  const reason = error instanceof Error ? error.message : String(error)
  if (code !== undefined && NO_SPACE_CODES.has(code)) {
    return new StoreError(`cannot ${action} ${path}: the disk is full (${reason})`, 'NO_SPACE', { cause: error })
  }
  if (code !== undefined && UNWRITABLE_CODES.has(code)) {
    return new StoreError(`cannot ${action} ${path}: not writable (${reason}); choose another DATA_DIR or fix its permissions`, 'UNWRITABLE', {
      cause: error,
    })
  }
  return new StoreError(`cannot ${action} ${path}: ${reason}`, 'IO', { cause: error })
}

let tempCounter = 0

/**
 * Replaces `path` all or nothing: a crash leaves either the old or the new document, never a
 * torn one. The temp file lives in the same directory so that rename is atomic, and the
 * directory is synced so that the rename itself survives a power cut.
 */
async function writeAtomically(dir: string, path: string, data: string): Promise<void> {
  const temp = `${path}.${process.pid}.${++tempCounter}${TEMP_SUFFIX}`
  try {
    const file = await open(temp, 'wx', 0o644)
    try {
      await file.writeFile(data, 'utf8')
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw storeError(error, 'write', path)
  }
  await syncDirectory(dir)
}

async function syncDirectory(dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (error) {
    // Some platforms cannot open or sync a directory; the rename is as durable as they allow.
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes(errnoOf(error) ?? '')) throw storeError(error, 'sync', dir)
  } finally {
    await handle?.close()
  }
}

async function removeFile(dir: string, path: string): Promise<void> {
  try {
    await unlink(path)
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return
    throw storeError(error, 'delete', path)
  }
  await syncDirectory(dir)
}

/**
 * The embedded store: one JSON file per document under DATA_DIR (`sessions/<id>.json`,
 * `experiments/<id>.json`), each replaced atomically. Saves to one file are serialised and
 * coalesced: while a write is in flight only the newest waiting document is kept, and every
 * caller resolves once its document, or a newer one, is durable. So a burst of updates costs at
 * most two writes, and an older snapshot can never overwrite a newer one.
 */
export class FileSessionStore implements SessionStore {
  /** Documents skipped on load (unreadable or corrupt), for people: the store never crashes on them. */
  readonly warnings: string[] = []
  private readonly queue = new CoalescingQueue<FileTarget>(({ dir, path }, operation) =>
    operation.kind === 'write' ? writeAtomically(dir, path, operation.data) : removeFile(dir, path),
  )
  private closed = false

  private constructor(
    readonly dataDir: string,
    private readonly sessionsDir: string,
    private readonly experimentsDir: string,
  ) {}

  /**
   * Creates the directories and proves they are writable now, so that a bad DATA_DIR stops
   * start-up with a clear StoreError rather than failing the first save in the middle of a class.
   */
  static async open(dataDir: string): Promise<FileSessionStore> {
    const store = new FileSessionStore(dataDir, join(dataDir, 'sessions'), join(dataDir, 'experiments'))
    for (const dir of [store.sessionsDir, store.experimentsDir]) {
      try {
        await mkdir(dir, { recursive: true })
      } catch (error) {
        throw storeError(error, 'create the data directory', dir)
      }
      await store.removeStaleTempFiles(dir)
      const probe = join(dir, '.write-check')
      await writeAtomically(dir, probe, 'ok')
      await removeFile(dir, probe)
    }
    return store
  }

  loadSessions(): Promise<unknown[]> {
    return this.loadAll(this.sessionsDir)
  }

  // The methods below are async so that a bad id or document rejects rather than throws; the
  // queueing itself still happens synchronously, in call order.
  async saveSession(id: string, document: unknown): Promise<void> {
    return this.enqueue(this.sessionsDir, id, { kind: 'write', data: `${serialise(document)}\n` })
  }

  async deleteSession(id: string): Promise<void> {
    return this.enqueue(this.sessionsDir, id, { kind: 'delete' })
  }

  loadExperiments(): Promise<unknown[]> {
    return this.loadAll(this.experimentsDir)
  }

  async saveExperiment(id: string, document: unknown): Promise<void> {
    return this.enqueue(this.experimentsDir, id, { kind: 'write', data: `${serialise(document)}\n` })
  }

  /** Refuses new work and resolves once every queued write has settled. */
  async close(): Promise<void> {
    this.closed = true
    await this.queue.whenIdle()
  }

  private async loadAll(dir: string): Promise<unknown[]> {
    let names: string[]
    try {
      names = await readdir(dir)
    } catch (error) {
      throw storeError(error, 'list', dir)
    }
    const documents: unknown[] = []
    for (const name of names.sort()) {
      if (!DOCUMENT_FILE.test(name)) continue
      const path = join(dir, name)
      try {
        documents.push(JSON.parse(await readFile(path, 'utf8')) as unknown)
      } catch (error) {
        this.warnings.push(`skipped ${path}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    return documents
  }

  /** Temp files of a write that a crash interrupted: their rename never happened, so they are garbage. */
  private async removeStaleTempFiles(dir: string): Promise<void> {
    for (const name of await readdir(dir)) {
      if (name.endsWith(TEMP_SUFFIX)) await unlink(join(dir, name)).catch(() => undefined)
    }
  }

  private enqueue(dir: string, id: string, operation: StoreOperation): Promise<void> {
    checkDocumentId(id)
    if (this.closed) throw new StoreError(`the store at ${this.dataDir} is closed`, 'IO')
    const path = join(dir, `${id}.json`)
    return this.queue.enqueue(path, { dir, path }, operation)
  }
}
