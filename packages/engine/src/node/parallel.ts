import {
  estimatedDraws,
  finishSimulation,
  planSimulation,
  simulate,
  type SimulateOptions,
  type SimulationPlan,
  type SimulationResult,
} from '../simulation/simulate'
import { planSweep, pointOptions, sweep, sweepPoints, type SweepOptions, type SweepPoint } from '../simulation/sweep'
import { mergeTallies, type SimulationTally } from '../simulation/tally'
import type { WorkerSimulateOptions } from './protocol'
import { checkWorkerCount, defaultWorkerCount, runChunkTasks, type ChunkTask } from './workerPool'

export interface ParallelOptions {
  /** Worker threads; default `defaultWorkerCount()`. */
  workers?: number
  /**
   * Estimated PRNG draws below which the work runs in this thread, where starting threads
   * (a few hundred ms with the TypeScript loader) would cost more than it saves. Default 10^8.
   */
  parallelThreshold?: number
  /**
   * Runs the worker threads at the lowest CPU priority (Linux): a server's experiments then
   * take only the CPU its live sessions leave free. Default false (the CLI wants all of it).
   */
  background?: boolean
}

const DEFAULT_PARALLEL_THRESHOLD = 1e8

/**
 * `simulate` spread over worker threads chunk by chunk. Every chunk is played from its own
 * seeded stream and tallies are summed exactly, so the result is bit-identical to `simulate`
 * whatever the number of workers.
 */
export async function simulateParallel(options: SimulateOptions & ParallelOptions): Promise<SimulationResult> {
  const plan = planSimulation(options)
  const workers = checkWorkerCount(options.workers ?? defaultWorkerCount())
  if (!worthThreads([plan], options)) return simulate(options)
  const job = workerOptions(options)
  const tasks = chunkTasks(plan, 0, job)
  const [result] = await runTasks([plan], tasks, workers, options)
  if (result === undefined) throw new Error('the simulation produced no result')
  return result
}

/** `sweep` spread over worker threads: the chunks of all points share the threads. */
export async function runSweep(options: SweepOptions & ParallelOptions): Promise<SweepPoint[]> {
  const plans = planSweep(options)
  const workers = checkWorkerCount(options.workers ?? defaultWorkerCount())
  if (!worthThreads(plans, options)) return sweep(options)
  const points = sweepPoints(options.nodes, options.ps)
  const tasks = points.flatMap((point, p) => {
    const plan = plans[p]
    return plan === undefined ? [] : chunkTasks(plan, p, pointOptions(options, point))
  })
  return runTasks(plans, tasks, workers, options)
}

interface TaskRun {
  background?: boolean
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

/** Plays the chunks of every plan (`jobId` = index in `plans`) and finishes each plan. */
async function runTasks(plans: readonly SimulationPlan[], tasks: ChunkTask[], workers: number, run: TaskRun): Promise<SimulationResult[]> {
  const tallies: SimulationTally[][] = plans.map(() => [])
  const total = plans.reduce((sum, plan) => sum + plan.rounds, 0)
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
  return plans.map((plan, p) => finishSimulation(plan, mergeTallies(tallies[p] ?? [])))
}

function chunkTasks(plan: SimulationPlan, jobId: number, options: WorkerSimulateOptions): ChunkTask[] {
  return Array.from({ length: plan.chunks }, (_, chunk) => ({ jobId, options, chunk }))
}

function worthThreads(plans: readonly SimulationPlan[], options: ParallelOptions): boolean {
  const draws = plans.reduce((sum, plan) => sum + estimatedDraws(plan), 0)
  return draws >= (options.parallelThreshold ?? DEFAULT_PARALLEL_THRESHOLD)
}

/** The data part of the options: callbacks and signals cannot cross to another thread. */
function workerOptions(options: SimulateOptions): WorkerSimulateOptions {
  const { nodes, f, p, links, faults, authentication, proposal, view, sequence, rounds, seed, path, quorumRule } = options
  return { nodes, f, p, links, faults, authentication, proposal, view, sequence, rounds, seed, path, quorumRule }
}
