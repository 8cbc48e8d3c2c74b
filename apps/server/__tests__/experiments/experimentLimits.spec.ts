import type { ExperimentCreated, ExperimentRecord } from '@pbft/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { MemorySessionStore } from '../../src/store/memorySessionStore'
import { startTestServer, type TestServer } from '../http/testServer'

type ErrorReply = { error: { code: string; message: string } }

const SMALL = { nodes: [4], p: [0.9], rounds: 100 }

async function settled(server: TestServer, id: string): Promise<void> {
  for (;;) {
    const { body } = await server.request<ExperimentRecord>('GET', `/api/experiments/${id}`)
    if (body.status !== 'running') return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('what one client address may ask of /api/experiments and /api/theory', () => {
  let server: TestServer | undefined

  afterEach(async () => {
    await server?.app.close()
    server = undefined
  })

  it('creates a bounded number of experiments per address and window: 429 EXPERIMENT_LIMIT beyond', async () => {
    server = await startTestServer({ service: { quotas: { creations: { max: 2, windowMs: 60_000 }, runningPerClient: null } } })
    const from = { from: '10.1.0.1' }
    // A refused request does not count.
    expect((await server.request('POST', '/api/experiments', { ...SMALL, rounds: 0 }, from)).status).toBe(400)
    const made = [await server.request<ExperimentCreated>('POST', '/api/experiments', SMALL, from), await server.request<ExperimentCreated>('POST', '/api/experiments', SMALL, from)]
    expect(made.map((answer) => answer.status)).toEqual([202, 202])
    const refused = await server.request<ErrorReply>('POST', '/api/experiments', SMALL, from)
    expect(refused.status).toBe(429)
    expect(refused.body.error).toEqual({ code: 'EXPERIMENT_LIMIT', message: expect.stringMatching(/at most 2 per 1 min; retry in \d+ s/) })
    expect((await server.request('POST', '/api/experiments', SMALL, { from: '10.1.0.2' })).status).toBe(202)
    for (const answer of made) await settled(server, answer.body.id)
  })

  it('lets an address have only a few costly reads in flight: 429 TOO_MANY_READS beyond', async () => {
    const store = new MemorySessionStore()
    server = await startTestServer({ store, service: { answerCacheBytes: 1 } })
    const ids: string[] = []
    for (const seed of [1, 2, 3]) {
      const created = await server.request<ExperimentCreated>('POST', '/api/experiments', { nodes: '4:20', p: '0.5:1:0.1', rounds: 50, seed })
      await settled(server, created.body.id)
      ids.push(created.body.id)
    }
    // Reading a finished record from the store now waits until the test says so.
    let open: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (open = resolve))
    const load = store.loadExperiment.bind(store)
    store.loadExperiment = async (id) => {
      await gate
      return load(id)
    }
    const get = (id: string | undefined, from: string) => server!.request<ExperimentRecord & ErrorReply>('GET', `/api/experiments/${id}`, undefined, { from })
    const reads = [get(ids[0], '10.2.0.1'), get(ids[1], '10.2.0.1')]
    await new Promise((resolve) => setTimeout(resolve, 50))
    const third = await get(ids[2], '10.2.0.1')
    expect(third.status).toBe(429)
    expect(third.body.error.code).toBe('TOO_MANY_READS')
    // Another address, and a read that shares a load already under way, are not refused.
    const others = [get(ids[2], '10.2.0.2'), get(ids[0], '10.2.0.1')]
    open()
    const answers = await Promise.all([...reads, ...others])
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200])
    expect(answers.every((answer) => answer.body.results?.length === 17 * 6)).toBe(true)
    // Over: the address may read again.
    expect((await get(ids[2], '10.2.0.1')).status).toBe(200)
  })

  it('lets an address compute one big theory table at a time when so configured', async () => {
    server = await startTestServer({ theory: { heavyReads: 1 } })
    const big = '/api/theory?nodes=9980:10000&p=0.5:1:0.1'
    const first = server.request<{ points: unknown[] }>('GET', big, undefined, { from: '10.3.0.1' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const second = await server.request<ErrorReply>('GET', big, undefined, { from: '10.3.0.1' })
    expect(second.status).toBe(429)
    expect(second.body.error.code).toBe('TOO_MANY_READS')
    expect((await first).body.points).toHaveLength(21 * 6)
    expect((await server.request('GET', '/api/theory?nodes=4&p=1', undefined, { from: '10.3.0.1' })).status).toBe(200)
  })
})
