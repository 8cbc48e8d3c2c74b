import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config'
import type { WorkerSimulateOptions } from '../../src/node/protocol'
import {
  checkWorkerCount,
  defaultWorkerCount,
  liveWorkerCount,
  runChunkTasks,
  type ChunkTask,
} from '../../src/node/workerPool'
import { createChunkRunner, planSimulation } from '../../src/simulation/simulate'
import type { SimulationTally } from '../../src/simulation/tally'

/** Fast path, three chunks of up to 65,536 rounds at N = 4: a few milliseconds each. */
const FAST: WorkerSimulateOptions = { nodes: 4, p: 0.9, rounds: 2 * 65_536 + 100, seed: 11 }
/** Message-level path with faults, one short chunk. */
const MESSAGE: WorkerSimulateOptions = { nodes: 7, p: 0.95, rounds: 300, seed: 12, faults: { 2: 'equivocate' } }

function inThread(options: WorkerSimulateOptions, chunk: number): SimulationTally {
  return createChunkRunner(planSimulation(options))(chunk)
}

/** Runs the tasks and collects each tally under its task index. */
async function collect(tasks: ChunkTask[], workers: number): Promise<Map<number, SimulationTally>> {
  const tallies = new Map<number, SimulationTally>()
  await runChunkTasks(tasks, {
    workers,
    onTally: (task, tally) => {
      if (tallies.has(task)) throw new Error(`task ${task} answered twice`)
      tallies.set(task, tally)
    },
  })
  return tallies
}

/** Linux's scheduling policy number for SCHED_IDLE (field 41 of /proc/<pid>/task/<tid>/stat). */
const SCHED_IDLE = 5
const HAS_CHRT = spawnSync('chrt', ['--version'], { stdio: 'ignore' }).status === 0

/** Nice value of each thread of this process (field 19 of /proc/self/task/<tid>/stat). */
function threadNiceValues(): Map<number, number> {
  return threadStatField(19)
}

/** Scheduling policy of each thread of this process (field 41). */
function threadPolicies(): Map<number, number> {
  return threadStatField(41)
}

/** One numeric field of each thread's /proc stat line (numbered as in proc(5)). */
function threadStatField(field: number): Map<number, number> {
  const values = new Map<number, number>()
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      values.set(Number(tid), Number(fields[field - 3]))
    } catch {
      // The thread exited while we looked.
    }
  }
  return values
}

// Every test leaves no thread behind: terminated threads take a moment to exit.
afterEach(async () => {
  await expect.poll(liveWorkerCount, { timeout: 5000 }).toBe(0)
})

describe('defaultWorkerCount and checkWorkerCount', () => {
  it('leaves one core to the caller, with at least 1 and at most 4 threads', () => {
    expect(defaultWorkerCount()).toBe(Math.max(1, Math.min(4, availableParallelism() - 1)))
  })

  it('accepts positive integers and refuses anything else with a ConfigError', () => {
    expect(checkWorkerCount(1)).toBe(1)
    expect(checkWorkerCount(12)).toBe(12)
    for (const workers of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkWorkerCount(workers), String(workers)).toThrow(ConfigError)
      expect(() => checkWorkerCount(workers)).toThrow(/workers must be an integer >= 1/)
    }
  })
})

describe('runChunkTasks', () => {
  it('plays every task once on the threads, each tally equal to the in-thread chunk runner’s', async () => {
    const tasks: ChunkTask[] = [
      { jobId: 0, options: FAST, chunk: 2 },
      { jobId: 1, options: MESSAGE, chunk: 0 },
      { jobId: 0, options: FAST, chunk: 0 },
      { jobId: 0, options: FAST, chunk: 1 },
    ]
    const tallies = await collect(tasks, 2)
    expect([...tallies.keys()].sort()).toEqual([0, 1, 2, 3])
    tasks.forEach((task, index) => {
      expect(tallies.get(index), `task ${index}`).toEqual(inThread(task.options, task.chunk))
    })
    expect(tallies.get(0)?.rounds).toBe(100)
    expect(tallies.get(1)?.rounds).toBe(300)
  })

  it.runIf(existsSync('/proc/thread-self'))('runs background threads at the lowest priority (nice 19, SCHED_IDLE), leaving this thread as it was', async () => {
    const first = threadNiceValues()
    const seen: number[][] = []
    const idle: number[][] = []
    const tasks: ChunkTask[] = [0, 1, 2].map((chunk) => ({ jobId: 0, options: FAST, chunk }))
    for (const background of [true, false]) {
      // Threads of the previous run may still be exiting: only this run's new threads count.
      await expect.poll(liveWorkerCount, { timeout: 5000 }).toBe(0)
      const before = threadNiceValues()
      const lowered = new Set<number>()
      const idled = new Set<number>()
      await runChunkTasks(tasks, {
        workers: 2,
        background,
        onTally: () => {
          for (const [tid, nice] of threadNiceValues()) if (!before.has(tid) && nice === 19) lowered.add(tid)
          for (const [tid, policy] of threadPolicies()) if (!before.has(tid) && policy === SCHED_IDLE) idled.add(tid)
        },
      })
      seen.push([...lowered])
      idle.push([...idled])
    }
    expect(seen[0]?.length).toBeGreaterThanOrEqual(1)
    expect(seen[1]).toEqual([])
    // With util-linux's chrt (Debian always has it) the threads are SCHED_IDLE as well.
    if (HAS_CHRT) expect(idle[0]?.length).toBeGreaterThanOrEqual(1)
    expect(idle[1]).toEqual([])
    expect(threadNiceValues().get(process.pid)).toBe(first.get(process.pid))
    expect(threadPolicies().get(process.pid)).toBe(0)
  })

  it('starts no more threads than there are tasks, and none for no tasks', async () => {
    const seen: number[] = []
    await runChunkTasks([{ jobId: 0, options: MESSAGE, chunk: 0 }], {
      workers: 8,
      onTally: () => seen.push(liveWorkerCount()),
    })
    expect(seen).toEqual([1])
    await expect.poll(liveWorkerCount, { timeout: 5000 }).toBe(0)

    const empty = runChunkTasks([], { workers: 8, onTally: () => expect.unreachable('no task, no tally') })
    expect(liveWorkerCount()).toBe(0)
    await expect(empty).resolves.toBeUndefined()
  })

  it('rejects at once with the reason of an already aborted signal, starting nothing', async () => {
    const reason = new Error('stopped before it began')
    const run = runChunkTasks([{ jobId: 0, options: FAST, chunk: 0 }], {
      workers: 2,
      signal: AbortSignal.abort(reason),
      onTally: () => expect.unreachable('aborted'),
    })
    expect(liveWorkerCount()).toBe(0)
    await expect(run).rejects.toBe(reason)
  })

  it('rejects with the abort reason when aborted mid-run and terminates its threads', async () => {
    const controller = new AbortController()
    const reason = new Error('enough')
    const tasks = Array.from({ length: 20 }, (): ChunkTask => ({ jobId: 0, options: MESSAGE, chunk: 0 }))
    let tallies = 0
    const run = runChunkTasks(tasks, {
      workers: 2,
      signal: controller.signal,
      onTally: () => {
        tallies++
        controller.abort(reason)
      },
    })
    await expect(run).rejects.toBe(reason)
    expect(tallies).toBe(1)
  })

  it('rejects with the ConfigError a worker met, by name and message', async () => {
    const bad = { ...FAST, rounds: 0 }
    const run = runChunkTasks([{ jobId: 0, options: bad, chunk: 0 }], { workers: 1, onTally: () => undefined })
    await expect(run).rejects.toThrow(ConfigError)
    await expect(run).rejects.toThrow(/rounds must be an integer in \[1, /)
  })

  it('keeps the name of other errors a worker met', async () => {
    // Options that are not what their type says (they may come from JSON) fail in the worker's
    // setup with a TypeError, which must arrive as one rather than as a ConfigError.
    const notAMatrix = { ...FAST, p: undefined, links: { length: 4 } as unknown as number[][] }
    const run = runChunkTasks([{ jobId: 0, options: notAMatrix, chunk: 0 }], { workers: 1, onTally: () => undefined })
    await expect(run).rejects.toMatchObject({ name: 'TypeError', message: expect.stringMatching(/forEach/) })
    await expect(run).rejects.not.toBeInstanceOf(ConfigError)
  })

  it('rejects with the error onTally throws, and stops', async () => {
    const failure = new Error('the caller gave up')
    let calls = 0
    const tasks = Array.from({ length: 6 }, (): ChunkTask => ({ jobId: 0, options: MESSAGE, chunk: 0 }))
    const run = runChunkTasks(tasks, {
      workers: 1,
      onTally: () => {
        calls++
        throw failure
      },
    })
    await expect(run).rejects.toBe(failure)
    expect(calls).toBe(1)
  })

  it('rejects an invalid worker count with a ConfigError', async () => {
    const task: ChunkTask = { jobId: 0, options: FAST, chunk: 0 }
    await expect(runChunkTasks([task], { workers: 0, onTally: () => undefined })).rejects.toThrow(ConfigError)
    expect(liveWorkerCount()).toBe(0)
  })

  // Regression: a task that cannot be cloned made `thread.postMessage` throw inside the
  // Promise executor, so the call rejected but the threads already started were never
  // terminated (liveWorkerCount() stayed at 1).
  it('terminates its threads when a task cannot be sent to them', async () => {
    const unclonable = { ...FAST, proposal: (() => 'v') as unknown as string }
    const run = runChunkTasks([{ jobId: 0, options: unclonable, chunk: 0 }], { workers: 1, onTally: () => undefined })
    await expect(run).rejects.toMatchObject({ name: 'DataCloneError' })
    await expect.poll(liveWorkerCount, { timeout: 2000 }).toBe(0)
  })
})
