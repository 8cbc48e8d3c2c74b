import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { errnoOf, replaceFile } from './durableFiles'
import type { SessionIndexEntry } from './sessionStore'

/** `sessions/sessions.index`: not `*.json`, so never taken for a session document. */
export const INDEX_FILE = 'sessions.index'

interface IndexDocument {
  v: 1
  sessions: Record<string, { lastActiveAt: number; running: boolean }>
}

/**
 * The file store's small index of sessions (`sessions/sessions.index`, JSON): for each session, when it
 * was last saved and whether a round was running. It lets the server start without reading
 * any session document (boot time and memory do not grow with the stored history): documents
 * are read when a session is first used, and only sessions with a running round at start.
 *
 * It is kept in memory, changed on every save and delete, and written (atomically) by the
 * snapshot pass, after the snapshots it describes and before the journal files they cover are
 * deleted; so whatever a crash leaves, the journal replayed at the next start (whose records
 * update the index too) and the directory listing (sessions missing from the file are read
 * once) make it right again.
 */
export class SessionIndexFile {
  private readonly entries = new Map<string, { lastActiveAt: number; running: boolean }>()
  private dirty = false

  private constructor(private readonly dir: string) {}

  /**
   * Reads the index and reconciles it with the snapshot files present (`ids`): entries without
   * a file go, files without an entry are read once (`describe`) to learn their state.
   */
  static async open(dir: string, ids: Iterable<string>, describe: (id: string) => Promise<{ running: boolean; lastActiveAt: number } | null>): Promise<SessionIndexFile> {
    const index = new SessionIndexFile(dir)
    let stored: IndexDocument['sessions'] = {}
    try {
      const parsed = JSON.parse(await readFile(join(dir, INDEX_FILE), 'utf8')) as Partial<IndexDocument>
      if (parsed.v === 1 && typeof parsed.sessions === 'object' && parsed.sessions !== null) stored = parsed.sessions
    } catch (error) {
      // Absent (first start, or a DATA_DIR from before the index) or unreadable: rebuilt below.
      if (errnoOf(error) !== 'ENOENT') index.dirty = true
    }
    const present = new Set(ids)
    for (const id of present) {
      const entry = stored[id]
      if (entry && typeof entry.lastActiveAt === 'number' && typeof entry.running === 'boolean') {
        index.entries.set(id, { lastActiveAt: entry.lastActiveAt, running: entry.running })
        continue
      }
      const described = await describe(id)
      if (described) index.entries.set(id, described)
      index.dirty = true
    }
    if (Object.keys(stored).some((id) => !present.has(id))) index.dirty = true
    return index
  }

  list(): SessionIndexEntry[] {
    return [...this.entries].map(([id, entry]) => ({ id, ...entry }))
  }

  has(id: string): boolean {
    return this.entries.has(id)
  }

  set(id: string, running: boolean, lastActiveAt = Date.now()): void {
    this.entries.set(id, { lastActiveAt, running })
    this.dirty = true
  }

  delete(id: string): void {
    if (this.entries.delete(id)) this.dirty = true
  }

  /** Writes the file if anything changed since the last write (no directory sync: the caller syncs). */
  async write(): Promise<boolean> {
    if (!this.dirty) return false
    this.dirty = false
    const document: IndexDocument = { v: 1, sessions: Object.fromEntries(this.entries) }
    try {
      await replaceFile(join(this.dir, INDEX_FILE), `${JSON.stringify(document)}\n`)
      return true
    } catch (error) {
      this.dirty = true
      throw error
    }
  }
}

/** When a snapshot file was last written (its last save), for sessions the index does not know yet. */
export async function modifiedAt(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs
  } catch {
    return Date.now()
  }
}
