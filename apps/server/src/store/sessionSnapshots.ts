import { join } from 'node:path'
import { replaceFile, syncDirectory, unlinkFile } from './durableFiles'
import type { Journal } from './journal'
import type { SerialisedDocument } from './sessionStore'

/** A session's newest state: its JSON, or its serialised document (whose whole JSON is built only when written). */
type SessionState = string | SerialisedDocument

const json = (state: SessionState): string => (typeof state === 'string' ? state : state.json)

/** The newest journaled state of one session not yet in its snapshot file: its JSON, or null once deleted. */
interface Pending {
  /** Orders the records of all sessions, so that "the snapshot is at least this new" can be checked. */
  n: number
  data: SessionState | null
}

const MAX_RETRY_MS = 30_000

/** `<id>.json` → `<id>.prev.json`: the snapshot it replaced, kept as a fallback. */
export function previousGeneration(path: string): string {
  return path.replace(/\.json$/, '.prev.json')
}

/**
 * Writes the session snapshot files (`<id>.json`) in the background from the journal's durable
 * records, and deletes journal files once snapshots cover them. Nobody waits for it: a save is
 * durable once journaled. Writes are spaced by `delayMs`, so a session saved a hundred times a
 * second costs a snapshot every `delayMs`; and done one at a time, with one directory sync per
 * pass, so that they leave the libuv threads and the disk to the journal's appends. A snapshot that fails is retried later (backing off), and
 * its journal file is kept meanwhile: nothing is lost, the journal just grows.
 *
 * Memory stays bounded by the number of sessions: one pending document per session, and per
 * retained journal file the sessions whose records in it no snapshot covers yet.
 */
export class SessionSnapshots {
  private readonly pending = new Map<string, Pending>()
  /** Per journal file still on disk: the sessions whose last record in it no snapshot covers yet, and that record's `n`. */
  private readonly uncovered = new Map<number, Map<string, number>>()
  private counter = 0
  private timer: NodeJS.Timeout | null = null
  private failures = 0
  private stopped = false
  /** Passes run one at a time. */
  private passes: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly dir: string,
    private readonly journal: Journal,
    private readonly delayMs: number,
    private readonly warn: (message: string) => void,
    /** Runs after each pass's snapshots, before their directory sync (the store writes its index there); true if it wrote a file. */
    private readonly beforeSync: () => Promise<boolean> = async () => false,
  ) {}

  /** Session `id` is now `data` (null: deleted), durable in journal file `seq`. Call in journal order. */
  recorded(id: string, data: SessionState | null, seq: number): void {
    const n = ++this.counter
    this.pending.set(id, { n, data })
    let ids = this.uncovered.get(seq)
    if (!ids) this.uncovered.set(seq, (ids = new Map()))
    ids.set(id, n)
    this.schedule(this.delayMs)
  }

  /** The sessions whose snapshot file is not up to date yet: their current JSON, or null if deleted. */
  unwrittenAll(): Map<string, string | null> {
    return new Map([...this.pending].map(([id, { data }]) => [id, data === null ? null : json(data)]))
  }

  /** One session's state if its snapshot file is not up to date: its JSON, null if deleted; undefined if the file is current. */
  unwritten(id: string): string | null | undefined {
    const entry = this.pending.get(id)
    if (entry === undefined) return undefined
    return entry.data === null ? null : json(entry.data)
  }

  /** Writes every pending snapshot now and deletes the journal files they cover; failures are warned, not thrown. */
  async flush(): Promise<void> {
    this.cancelTimer()
    await this.pass()
  }

  /** No more timed passes (the store is closing); flush still works. */
  stop(): void {
    this.stopped = true
    this.cancelTimer()
  }

  private schedule(delay: number): void {
    if (this.timer || this.stopped) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.pass()
    }, delay)
    // An unclosed store must not keep the process alive: the journal already holds everything.
    this.timer.unref()
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private pass(): Promise<void> {
    const run = this.passes.then(() => this.writeAll())
    this.passes = run.catch(() => undefined)
    return run
  }

  private async writeAll(): Promise<void> {
    const failed: string[] = []
    const written: [string, Pending][] = []
    for (const [id, entry] of [...this.pending]) {
      const path = join(this.dir, `${id}.json`)
      try {
        if (entry.data === null) {
          await unlinkFile(path)
          await unlinkFile(previousGeneration(path))
        } else {
          await replaceFile(path, `${json(entry.data)}\n`, { previous: previousGeneration(path) })
        }
        written.push([id, entry])
      } catch (error) {
        failed.push(error instanceof Error ? error.message : String(error))
      }
    }
    let indexWritten = false
    let indexFailed = false
    try {
      indexWritten = await this.beforeSync()
    } catch (error) {
      indexFailed = true
      failed.push(error instanceof Error ? error.message : String(error))
    }
    // One directory sync for the whole pass rather than one per file: the snapshots count as
    // written only after it.
    if (written.length > 0 || indexWritten) {
      try {
        await syncDirectory(this.dir)
      } catch (error) {
        failed.push(error instanceof Error ? error.message : String(error))
        written.length = 0
      }
    }
    for (const [id, entry] of written) {
      if (this.pending.get(id) === entry) this.pending.delete(id)
      for (const ids of this.uncovered.values()) {
        const n = ids.get(id)
        if (n !== undefined && n <= entry.n) ids.delete(id)
      }
    }
    // The journal files stay while the index may be older than them: the next start replays them.
    if (!indexFailed) {
      try {
        const dropped = await this.journal.dropRetired((seq) => (this.uncovered.get(seq)?.size ?? 0) === 0)
        for (const seq of dropped) this.uncovered.delete(seq)
      } catch (error) {
        failed.push(error instanceof Error ? error.message : String(error))
      }
    }
    this.failures = failed.length > 0 ? this.failures + 1 : 0
    const retryMs = Math.min(this.delayMs * 2 ** this.failures, MAX_RETRY_MS)
    if (failed.length > 0) {
      this.warn(`${failed.length} snapshot or journal clean-up step(s) failed (the journal keeps the data; retrying in ${retryMs} ms): ${failed[0]}`)
    }
    if (failed.length > 0 || this.pending.size > 0) this.schedule(retryMs)
  }
}
