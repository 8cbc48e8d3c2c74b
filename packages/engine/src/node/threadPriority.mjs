import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'

/** The nice value of a background thread: it runs only when nothing else wants the core. */
export const BACKGROUND_NICE = 19

/**
 * Lowers the CPU priority of the calling thread only. On Linux every thread has its own id
 * (`/proc/thread-self` → `<pid>/task/<tid>`) and `setpriority` accepts it, so a simulation
 * worker can step aside for its process's event loop. Elsewhere this is a no-op: the work is
 * the same, only less polite. Returns whether the priority was lowered.
 *
 * Plain JavaScript: the worker's bootstrap calls it first thing, before it loads the
 * TypeScript loader and compiles the worker (a few hundred milliseconds of CPU that should
 * already run in the background).
 *
 * @returns {boolean}
 */
export function lowerThreadPriority() {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (!Number.isInteger(tid) || tid <= 0) return false
    setPriority(tid, BACKGROUND_NICE)
    return true
  } catch {
    return false
  }
}
