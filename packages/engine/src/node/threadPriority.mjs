import { execFileSync } from 'node:child_process'
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
 * Nice 19 alone is not enough on a small machine: the scheduler still treats a core running
 * a nice-19 thread as busy, so a waking event loop may queue behind the load generator or
 * another process on its own core instead of taking the worker's. SCHED_IDLE (set with
 * util-linux's `chrt`, Node has no call for it) makes that core count as idle: measured on
 * 2 vCPUs, the act p99 of 100 phones during a 10^7-round experiment fell from ~31 to ~22 ms.
 * Without `chrt` the thread keeps nice 19.
 *
 * Plain JavaScript: the worker's bootstrap calls it first thing, before it loads the
 * TypeScript loader and compiles the worker (a few hundred milliseconds of CPU that should
 * already run in the background).
 *
 * @returns {boolean}
 */
export function lowerThreadPriority() {
  let tid
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (!Number.isInteger(tid) || tid <= 0) return false
    setPriority(tid, BACKGROUND_NICE)
  } catch {
    return false
  }
  try {
    // Lowering one's own policy to SCHED_IDLE needs no privilege.
    execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 2000 })
  } catch {
    // No chrt here: nice 19 it is.
  }
  return true
}
