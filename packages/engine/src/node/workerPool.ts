import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { ConfigError } from '../config'
import type { SimulationTally } from '../simulation/tally'
import type { ChunkReply, ChunkRequest, WorkerSimulateOptions } from './protocol'

/** One chunk of one simulation, to be played on some worker. */
export interface ChunkTask {
  jobId: number
  options: WorkerSimulateOptions
  chunk: number
}

export interface PoolRun {
  workers: number
  /** Lowest CPU priority for the threads (see `ParallelOptions.background`). */
  background?: boolean | undefined
  signal?: AbortSignal
  /** Called on this thread as each task's tally arrives (in completion order). */
  onTally: (task: number, tally: SimulationTally) => void
}

const WORKER_URL = new URL('./simulationWorker.bootstrap.mjs', import.meta.url)
const MAX_DEFAULT_WORKERS = 4

let liveThreads = 0

/** Worker threads started by this module that have not exited yet (diagnostics, tests). */
export function liveWorkerCount(): number {
  return liveThreads
}

/** One core is left to the caller's event loop; more than a few threads rarely pays off here. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(MAX_DEFAULT_WORKERS, availableParallelism() - 1))
}

export function checkWorkerCount(workers: number): number {
  if (!Number.isInteger(workers) || workers < 1) throw new ConfigError(`workers must be an integer >= 1, got ${workers}`)
  return workers
}

/**
 * Plays `tasks` on up to `workers` threads, each taking the next task as soon as it is free.
 * The threads live only as long as this call: they are terminated when it resolves or rejects,
 * so nothing outlives it (no hanging process). An abort rejects with `signal.reason`.
 */
export function runChunkTasks(tasks: readonly ChunkTask[], run: PoolRun): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const { signal } = run
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    if (tasks.length === 0) {
      resolve()
      return
    }
    const threads: Worker[] = []
    let next = 0
    let finished = 0
    let settled = false

    const settle = (error?: unknown): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      for (const thread of threads) void thread.terminate()
      if (error === undefined) resolve()
      else reject(error)
    }
    const onAbort = (): void => settle(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })

    const dispatch = (thread: Worker): void => {
      const index = next++
      const task = tasks[index]
      if (task === undefined) return
      const request: ChunkRequest = { index, jobId: task.jobId, options: task.options, chunk: task.chunk }
      // A task that cannot be cloned (a function in its options, say) must still end the run
      // and terminate the threads already started, not leak them.
      try {
        thread.postMessage(request)
      } catch (error) {
        settle(error)
      }
    }

    const onReply = (thread: Worker, reply: ChunkReply): void => {
      if (settled) return
      if (reply.type === 'error') {
        settle(workerError(reply))
        return
      }
      try {
        run.onTally(reply.index, reply.tally)
      } catch (error) {
        settle(error)
        return
      }
      finished++
      if (finished === tasks.length) settle()
      else dispatch(thread)
    }

    const size = Math.min(checkWorkerCount(run.workers), tasks.length)
    for (let t = 0; t < size; t++) {
      const thread = new Worker(WORKER_URL, { workerData: { background: run.background === true } })
      liveThreads++
      threads.push(thread)
      thread.on('message', (reply: ChunkReply) => onReply(thread, reply))
      thread.on('error', (error) => settle(error))
      thread.on('exit', (code) => {
        liveThreads--
        settle(new Error(`a simulation worker exited early (code ${code})`))
      })
      dispatch(thread)
    }
  })
}

function workerError(reply: { name: string; message: string }): Error {
  const error = reply.name === 'ConfigError' ? new ConfigError(reply.message) : new Error(reply.message)
  if (reply.name !== 'ConfigError') error.name = reply.name
  return error
}
