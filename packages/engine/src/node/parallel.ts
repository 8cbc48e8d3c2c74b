import {
  createChunkRunner,
  estimatedDraws,
  finishSimulation,
  planSimulation,
  type SimulateOptions,
  type SimulationPlan,
  type SimulationResult,
} from '../simulation/simulate'
import { pointOptions, sweepPoints, type SweepOptions, type SweepPoint } from '../simulation/sweep'
import { mergeTallies, type SimulationTally } from '../simulation/tally'
import type { WorkerSimulateOptions } from './protocol'
import { checkWorkerCount, defaultWorkerCount, runChunkTasks, type ChunkTask } from './workerPool'

export interface ParallelOptions {
  /** Worker threads; default `defaultWorkerCount()`. */
  workers?: number
  /**
   * Estimated work (PRNG draws, set-up included: see `estimatedDraws`) below which the run
   * stays in this thread, where starting threads (a few hundred ms with the TypeScript loader)
   * would cost more than it saves. Default 10^8.
   */
  parallelThreshold?: number
  /**
   * Runs the worker threads at the lowest CPU priority (Linux): a server's experiments then
   * take only the CPU its live sessions leave free. Default false (the CLI wants all of it).
   */
  background?: boolean
  /**
   * Where work done in this thread (a small run, planning and finishing a big sweep) gives the
   * event loop back, every ~8 ms. Default: the next turn of the loop (`setImmediate`); a
   * server may pass its own scheduler so that its sliced jobs take turns.
   */
  pause?: () => Promise<void>
}

const DEFAULT_PARALLEL_THRESHOLD = 1e8
/** Work done in this thread between two pauses: sockets and timers wait at most about this long. */
const SLICE_MS = 8

/** One point of a run: its simulation options and how its rounds are cut into chunks. */
interface Job {
  options: WorkerSimulateOptions
  rounds: number
  chunks: number
}

/**
 * `simulate` spread over worker threads chunk by chunk. Every chunk is played from its own
 * seeded stream and tallies are summed exactly, so the result is bit-identical to `simulate`
 * whatever the number of workers.
 */
export async function simulateParallel(options: SimulateOptions & ParallelOptions): Promise<SimulationResult> {
  const plan = planSimulation(options)
  const workers = checkWorkerCount(options.workers ?? defaultWorkerCount())
  const jobs: Job[] = [{ options: workerOptions(options), rounds: plan.rounds, chunks: plan.chunks }]
  const run = { ...options, slices: new Slices(options.pause, options.signal) }
  const [result] = estimatedDraws(plan) < threshold(options) ? await runInThread(jobs, run) : await runOnWorkers(jobs, workers, run)
  if (result === undefined) throw new Error('the simulation produced no result')
  return result
}

/**
 * `sweep` spread over worker threads (the chunks of all points share the threads), or played
 * in this thread when small, in slices. Every point is validated before anything runs, but the
 * points' plans are not all kept: a plan holds O(N) (its replicas' roles), and 10,000 of them at
 * N = 10,000 would hold a gigabyte.
 */
export async function runSweep(options: SweepOptions & ParallelOptions): Promise<SweepPoint[]> {
  const workers = checkWorkerCount(options.workers ?? defaultWorkerCount())
  const slices = new Slices(options.pause, options.signal)
  const jobs: Job[] = []
  let draws = 0
  for (const point of sweepPoints(options.nodes, options.ps)) {
    await slices.next()
    const simulation = pointOptions(options, point)
    const plan = planSimulation(simulation)
    draws += estimatedDraws(plan)
    jobs.push({ options: simulation, rounds: plan.rounds, chunks: plan.chunks })
  }
  const run = { ...options, slices }
  return draws < threshold(options) ? runInThread(jobs, run) : runOnWorkers(jobs, workers, run)
}

interface Run {
  background?: boolean
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
  slices: Slices
}

/** Plays every job here, chunk by chunk, pausing between slices: bit-identical to `simulate`/`sweep`. */
async function runInThread(jobs: readonly Job[], run: Run): Promise<SimulationResult[]> {
  const total = jobs.reduce((sum, job) => sum + job.rounds, 0)
  let done = 0
  const results: SimulationResult[] = []
  for (const job of jobs) {
    await run.slices.next()
    const plan = planSimulation(job.options)
    const runChunk = createChunkRunner(plan)
    const tallies: SimulationTally[] = []
    for (let chunk = 0; chunk < plan.chunks; chunk++) {
      if (chunk > 0) await run.slices.next()
      run.signal?.throwIfAborted()
      const tally = runChunk(chunk)
      tallies.push(tally)
      done += tally.rounds
      run.onProgress?.(done, total)
    }
    results.push(finishSimulation(plan, mergeTallies(tallies)))
  }
  return results
}

/** Plays the chunks of every job on worker threads, then finishes each job here (in slices). */
async function runOnWorkers(jobs: readonly Job[], workers: number, run: Run): Promise<SimulationResult[]> {
  const tasks: ChunkTask[] = jobs.flatMap((job, jobId) => Array.from({ length: job.chunks }, (_, chunk) => ({ jobId, options: job.options, chunk })))
  const tallies: SimulationTally[][] = jobs.map(() => [])
  const total = jobs.reduce((sum, job) => sum + job.rounds, 0)
  let done = 0
  await runChunkTasks(tasks, {
    workers,
    background: run.background,
    signal: run.signal,
    onTally: (index, tally) => {
      const task = tasks[index]
      if (task === undefined) throw new Error(`a worker answered unknown task ${index}`)
      tallies[task.jobId]?.push(tally)
      done += tally.rounds
      run.onProgress?.(done, total)
    },
  })
  const results: SimulationResult[] = []
  for (const [jobId, job] of jobs.entries()) {
    await run.slices.next()
    const plan: SimulationPlan = planSimulation(job.options)
    results.push(finishSimulation(plan, mergeTallies(tallies[jobId] ?? [])))
  }
  return results
}

/** Gives the event loop back once SLICE_MS of work have passed since the last pause; an abort rejects there. */
class Slices {
  private started = performance.now()

  constructor(
    private readonly pause: () => Promise<void> = nextTurn,
    private readonly signal?: AbortSignal,
  ) {}

  async next(): Promise<void> {
    if (performance.now() - this.started < SLICE_MS) return
    await this.pause()
    this.signal?.throwIfAborted()
    this.started = performance.now()
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

function threshold(options: ParallelOptions): number {
  return options.parallelThreshold ?? DEFAULT_PARALLEL_THRESHOLD
}

/** The data part of the options: callbacks and signals cannot cross to another thread. */
function workerOptions(options: SimulateOptions): WorkerSimulateOptions {
  const { nodes, f, p, links, faults, authentication, proposal, view, sequence, rounds, seed, path, quorumRule, views, clientP } = options
  return { nodes, f, p, links, faults, authentication, proposal, view, sequence, rounds, seed, path, quorumRule, views, clientP }
}
