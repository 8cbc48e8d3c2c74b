import { once } from 'node:events'
import { isMainThread, Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChunkReply, ChunkRequest, WorkerSimulateOptions } from '../../src/node/protocol'
import { createChunkRunner, planSimulation } from '../../src/simulation/simulate'
import type { SimulationTally } from '../../src/simulation/tally'

/** The entry the pool starts: it registers the TypeScript loader, then loads simulationWorker.ts. */
const BOOTSTRAP = new URL('../../src/node/simulationWorker.bootstrap.mjs', import.meta.url)

const FAST: WorkerSimulateOptions = { nodes: 7, p: 0.9, rounds: 70_000, seed: 41 }
const MESSAGE: WorkerSimulateOptions = {
  nodes: 5,
  p: 0.9,
  rounds: 500,
  seed: 42,
  faults: { 1: 'tamper', 4: 'silent' },
  authentication: false,
}

function inThread(options: WorkerSimulateOptions, chunk: number): SimulationTally {
  return createChunkRunner(planSimulation(options))(chunk)
}

describe('simulationWorker (in a real worker thread)', () => {
  let worker: Worker
  let nextIndex = 0

  /** Sends one request and waits for the reply (the worker answers requests in order). */
  async function ask(jobId: number, options: WorkerSimulateOptions, chunk: number): Promise<ChunkReply> {
    const request: ChunkRequest = { index: nextIndex++, jobId, options, chunk }
    const replied = once(worker, 'message') as Promise<[ChunkReply]>
    worker.postMessage(request)
    const [reply] = await replied
    expect(reply.index).toBe(request.index)
    return reply
  }

  async function tallyOf(jobId: number, options: WorkerSimulateOptions, chunk: number): Promise<SimulationTally> {
    const reply = await ask(jobId, options, chunk)
    if (reply.type !== 'tally') throw new Error(`expected a tally, got ${reply.name}: ${reply.message}`)
    return reply.tally
  }

  beforeAll(() => {
    worker = new Worker(BOOTSTRAP)
  })

  afterAll(async () => {
    const exited = once(worker, 'exit')
    await worker.terminate()
    await exited
  })

  it('plays a chunk exactly as the in-thread chunk runner does, on both paths', async () => {
    expect(await tallyOf(0, FAST, 1)).toEqual(inThread(FAST, 1))
    expect(await tallyOf(0, FAST, 0)).toEqual(inThread(FAST, 0))
    const message = await tallyOf(1, MESSAGE, 0)
    expect(message).toEqual(inThread(MESSAGE, 0))
    expect(message.rounds).toBe(500)
    expect(message.rejected).toBe(0) // authentication is off: tampered messages are taken
  }, 10_000)

  it('answers a bad request with an error reply, by name and message, and keeps serving', async () => {
    const reply = await ask(2, { ...FAST, rounds: -5 }, 0)
    expect(reply).toMatchObject({ type: 'error', name: 'ConfigError' })
    expect(reply.type === 'error' ? reply.message : '').toMatch(/rounds must be an integer in \[1, /)
    const odd = await ask(3, { ...FAST, p: undefined, links: { length: 7 } as unknown as number[][] }, 0)
    expect(odd).toMatchObject({ type: 'error', name: 'TypeError' })
    expect(await tallyOf(4, FAST, 1)).toEqual(inThread(FAST, 1))
  })

  it('reuses the setup of a job it already knows: the jobId, not the options, selects it', async () => {
    const other: WorkerSimulateOptions = { ...FAST, p: 0.5, seed: 7 }
    const first = await tallyOf(10, FAST, 0)
    // Same job id, other options: the worker plays job 10 as first set up.
    expect(await tallyOf(10, other, 0)).toEqual(first)
    expect(first).not.toEqual(inThread(other, 0))
    // A new job id is set up from its own options.
    expect(await tallyOf(11, other, 0)).toEqual(inThread(other, 0))
  })

  it('keeps the setups of the 4 most recent jobs only', async () => {
    const setup = (seed: number): WorkerSimulateOptions => ({ nodes: 4, p: 0.8, rounds: 100, seed })
    for (let job = 20; job < 24; job++) expect(await tallyOf(job, setup(job), 0)).toEqual(inThread(setup(job), 0))
    // Job 20 is still known: other options are ignored.
    expect(await tallyOf(20, setup(99), 0)).toEqual(inThread(setup(20), 0))
    // A fifth job evicts the oldest one set up (20), whose id then gets a fresh setup; 22 is kept.
    await tallyOf(24, setup(24), 0)
    expect(await tallyOf(20, setup(99), 0)).toEqual(inThread(setup(99), 0))
    expect(await tallyOf(22, setup(98), 0)).toEqual(inThread(setup(22), 0))
  })
})

describe('simulationWorker outside a worker thread', () => {
  it.skipIf(!isMainThread)('refuses to load on a main thread', async () => {
    await expect(import('../../src/node/simulationWorker')).rejects.toThrow(
      'simulationWorker must run in a worker thread',
    )
  })
})
