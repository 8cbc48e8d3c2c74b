/**
 * protocol.ts is types only: it has no runtime of its own. These checks hold its contract,
 * "plain data only", at compile time (`pnpm typecheck` fails if they break) and check at run
 * time that messages of those types cross a thread boundary unchanged.
 */
import { MessageChannel } from 'node:worker_threads'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { ChunkReply, ChunkRequest, WorkerSimulateOptions } from '../../src/node/protocol'
import type { SimulateOptions } from '../../src/simulation/simulate'
import { emptyTally } from '../../src/simulation/tally'

/** Posts a value through a real MessageChannel (the structured clone worker threads use). */
async function throughChannel<T>(value: T): Promise<T> {
  const { port1, port2 } = new MessageChannel()
  try {
    const received = new Promise<T>((resolve) => port2.once('message', resolve))
    port1.postMessage(value)
    return await received
  } finally {
    port1.close()
    port2.close()
  }
}

describe('protocol types', () => {
  it('strip the callback and the signal from the options, and keep everything else', () => {
    expectTypeOf<WorkerSimulateOptions>().not.toHaveProperty('onProgress')
    expectTypeOf<WorkerSimulateOptions>().not.toHaveProperty('signal')
    expectTypeOf<WorkerSimulateOptions>().toEqualTypeOf<Omit<SimulateOptions, 'onProgress' | 'signal'>>()
    expectTypeOf<WorkerSimulateOptions['rounds']>().toEqualTypeOf<number>()
    expectTypeOf<WorkerSimulateOptions['seed']>().toEqualTypeOf<number>()
    expectTypeOf<SimulateOptions>().toExtend<WorkerSimulateOptions>()
  })

  it('tell replies apart by type: a tally or an error, both with the request index', () => {
    expectTypeOf<ChunkReply['type']>().toEqualTypeOf<'tally' | 'error'>()
    expectTypeOf<ChunkReply['index']>().toEqualTypeOf<number>()
    expectTypeOf<Extract<ChunkReply, { type: 'error' }>>().toEqualTypeOf<{
      type: 'error'
      index: number
      name: string
      message: string
    }>()
    expectTypeOf<Extract<ChunkReply, { type: 'tally' }>['tally']>().toExtend<ReturnType<typeof emptyTally>>()
    expectTypeOf<ChunkRequest>().toEqualTypeOf<{ index: number; jobId: number; options: WorkerSimulateOptions; chunk: number }>()
  })
})

describe('protocol messages', () => {
  it('cross a thread boundary unchanged, options of every kind included', async () => {
    const request: ChunkRequest = {
      index: 3,
      jobId: 1,
      chunk: 2,
      options: {
        nodes: 4,
        f: 1,
        links: [0, 1, 2, 3].map((from) => [0, 1, 2, 3].map((to) => (from === to ? 0 : 0.9))),
        faults: { 2: 'equivocate' },
        authentication: false,
        proposal: 'v',
        view: 0,
        sequence: 1,
        rounds: 1000,
        seed: 0.5,
        path: 'message',
        quorumRule: 'castro-liskov',
      },
    }
    expect(await throughChannel(request)).toEqual(request)

    const tally = { ...emptyTally(), rounds: 1000, successes: 712, failures: [1, 280, 7], sent: 2 ** 52 + 1 }
    const replies: ChunkReply[] = [
      { type: 'tally', index: 3, tally },
      { type: 'error', index: 4, name: 'ConfigError', message: 'rounds must be an integer' },
    ]
    expect(await throughChannel(replies)).toEqual(replies)
  })
})
