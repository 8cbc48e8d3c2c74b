import { readFileSync } from 'node:fs'
import { readFile, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { errnoOf, storeError } from './durableFiles'
import { StoreError } from './sessionStore'

/** The lock file's name in DATA_DIR: it holds the pid of the server using the directory. */
export const LOCK_FILE = 'server.pid'

/**
 * One server per DATA_DIR. Two would each replay and delete the other's journal files on
 * start, losing acknowledged saves, so the second one stops with a message naming the first.
 * A lock left by a process that died (kill -9, a power cut) is stale and taken over: a pid is
 * held only while a process with that pid runs Node.js.
 */
export class DataDirLock {
  private constructor(private readonly path: string) {}

  static async acquire(dataDir: string): Promise<DataDirLock> {
    const path = join(dataDir, LOCK_FILE)
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o644 })
        return new DataDirLock(path)
      } catch (error) {
        if (errnoOf(error) !== 'EEXIST') throw storeError(error, 'lock', path)
      }
      const holder = await readHolder(path)
      if (holder !== null && holder !== process.pid && runsNode(holder)) {
        throw new StoreError(
          `cannot use ${dataDir}: another server (pid ${holder}) is using it; stop that one or choose another DATA_DIR (a stale lock is ${path})`,
          'IN_USE',
        )
      }
      // Ours (a store reopened in this process) or stale: remove it and try again.
      await unlink(path).catch(() => undefined)
    }
    throw new StoreError(`cannot lock ${path}: it keeps coming back; is another server starting on ${dataDir}?`, 'IN_USE')
  }

  /** Releases the directory; a lock already gone is fine. */
  async release(): Promise<void> {
    if ((await readHolder(this.path)) === process.pid) await unlink(this.path).catch(() => undefined)
  }
}

async function readHolder(path: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim())
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

/** Whether `pid` is a live Node.js process (where /proc is missing, any live process counts). */
function runsNode(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if (errnoOf(error) !== 'EPERM') return false
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node')
  } catch (error) {
    return errnoOf(error) !== 'ENOENT' || !existsProc()
  }
}

function existsProc(): boolean {
  try {
    readFileSync('/proc/self/cmdline')
    return true
  } catch {
    return false
  }
}
