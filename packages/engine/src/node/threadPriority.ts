import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'

/** The nice value of a background thread: it runs only when nothing else wants the core. */
export const BACKGROUND_NICE = 19

/**
 * Lowers the CPU priority of the calling thread only. On Linux every thread has its own id
 * (`/proc/thread-self` → `<pid>/task/<tid>`) and `setpriority` accepts it, so a simulation
 * worker can step aside for its process's event loop. Elsewhere this is a no-op: the work is
 * the same, only less polite. Returns whether the priority was lowered.
 */
export function lowerThreadPriority(): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (!Number.isInteger(tid) || tid <= 0) return false
    setPriority(tid, BACKGROUND_NICE)
    return true
  } catch {
    return false
  }
}
