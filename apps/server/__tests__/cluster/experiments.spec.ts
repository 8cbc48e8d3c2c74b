import { ExperimentList, ExperimentRecord, type ExperimentCreated } from '@pbft/protocol'
import { describe, expect, it } from 'vitest'
import { startLiveServer, type LiveServer } from '../integration/liveServer'
import { LEASE_MS, useCluster, type ClusterFixture } from './clusterFixture'
import { startRedisServer } from './redisServer'
/** A sweep that takes many seconds on one worker: long enough to look at while it runs, never waited for. */
const LONG_RUN = { nodes: [100], p: '0.5:1:0.05', rounds: 1_000_000 }
type ErrorReply = { error: { code: string; message: string } }

function startInstance(cluster: ClusterFixture, instanceId: string, keyPrefix: string): Promise<LiveServer> {
  // One worker each: two instances share this machine's cores with the test.
  return cluster.start(instanceId, keyPrefix, { experiments: { workers: 1, progressIntervalMs: 0 } })
}

/** Polls `GET /api/experiments/:id` on one instance until `done` says so (bounded). */
async function pollUntil(server: LiveServer, id: string, done: (record: ExperimentRecord) => boolean, what: string, ms = 8000): Promise<ExperimentRecord> {
  const deadline = Date.now() + ms
  for (;;) {
    const { status, body } = await server.request<ExperimentRecord>('GET', `/api/experiments/${id}`)
    expect(status, JSON.stringify(body)).toBe(200)
    const record = ExperimentRecord.parse(body)
    if (done(record)) return record
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${record.status})`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

async function post(server: LiveServer, body: unknown): Promise<ExperimentCreated> {
  const created = await server.request<ExperimentCreated>('POST', '/api/experiments', { body })
  expect(created.status, JSON.stringify(created.body)).toBe(202)
  return created.body
}

async function list(server: LiveServer): Promise<ExperimentList['experiments']> {
  const { status, body } = await server.request<ExperimentList>('GET', '/api/experiments')
  expect(status).toBe(200)
  return ExperimentList.parse(body).experiments
}

describe('experiments across instances', () => {
  const cluster = useCluster()

  it('any instance reads, lists and cancels an experiment running on another', async () => {
    const a = await startInstance(cluster, 'A', 'exp')
    const b = await startInstance(cluster, 'B', 'exp')

    // Posted on B, polled on A until done: the same record as B's.
    const small = await post(b, { nodes: '4,7', p: [0.9, 1], rounds: 20_000, seed: 42 })
    const doneOnA = await pollUntil(a, small.id, (record) => record.status !== 'running', 'the sweep posted on B to finish')
    expect(doneOnA.status).toBe('done')
    expect(doneOnA.results).toHaveLength(4)
    const onB = await b.request<ExperimentRecord>('GET', `/api/experiments/${small.id}`)
    expect(onB.status).toBe(200)
    expect(doneOnA).toEqual(ExperimentRecord.parse(onB.body))
    // Settled: nobody owns it any more, the store answers for it.
    await expect.poll(() => cluster.redis.exists(`exp:experiment-owner:${small.id}`)).toBe(0)
    expect(await cluster.redis.hexists('exp:experiments-running', small.id)).toBe(0)

    // A long run on B: A forwards its GET to B while it runs, lists it, and cancels it there.
    const long = await post(b, LONG_RUN)
    expect(await cluster.redis.get(`exp:experiment-owner:${long.id}`)).toBe('B')
    const runningOnA = await pollUntil(a, long.id, (record) => record.progress.done > 0, 'progress of the long run, seen from A')
    expect(runningOnA).toMatchObject({ id: long.id, status: 'running', progress: { total: long.total } })
    const rowsOnA = await list(a)
    expect(rowsOnA.map((row) => [row.id, row.status])).toEqual(
      expect.arrayContaining([
        [long.id, 'running'],
        [small.id, 'done'],
      ]),
    )
    // Newest first.
    expect(rowsOnA.findIndex((row) => row.id === long.id)).toBeLessThan(rowsOnA.findIndex((row) => row.id === small.id))

    // The owner checks the token of a forwarded cancel.
    expect((await a.request<ErrorReply>('DELETE', `/api/experiments/${long.id}`)).status).toBe(401)
    expect((await a.request<ErrorReply>('DELETE', `/api/experiments/${long.id}`, { token: small.cancelToken })).status).toBe(403)
    expect((await b.request<ExperimentRecord>('GET', `/api/experiments/${long.id}`)).body.status).toBe('running')
    const cancelled = await a.request<ExperimentRecord>('DELETE', `/api/experiments/${long.id}`, { token: long.cancelToken })
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200)
    expect(cancelled.body).toMatchObject({ id: long.id, status: 'cancelled', error: 'cancelled by request' })
    expect((await b.request<ExperimentRecord>('GET', `/api/experiments/${long.id}`)).body).toMatchObject({ status: 'cancelled' })
    // Cancelling again is a no-op; a finished one is a conflict; an unknown id is 404, from any instance.
    expect((await a.request('DELETE', `/api/experiments/${long.id}`, { token: long.cancelToken })).status).toBe(200)
    // Nobody runs it any more: the stored document's token hash decides.
    expect((await a.request<ErrorReply>('DELETE', `/api/experiments/${long.id}`, { token: small.cancelToken })).status).toBe(403)
    const finished = await a.request<ErrorReply>('DELETE', `/api/experiments/${small.id}`, { token: small.cancelToken })
    expect(finished.status).toBe(409)
    expect(finished.body.error.code).toBe('CONFLICT')
    expect((await a.request<ErrorReply>('GET', '/api/experiments/nosuchexperiment')).status).toBe(404)
    expect((await a.request<ErrorReply>('DELETE', '/api/experiments/nosuchexperiment')).status).toBe(404)

    // B goes away: A still reads both from the store, and lists them.
    await cluster.stop(b)
    const afterB = await a.request<ExperimentRecord>('GET', `/api/experiments/${small.id}`)
    expect(afterB.status).toBe(200)
    expect(ExperimentRecord.parse(afterB.body)).toEqual(doneOnA)
    expect((await a.request<ExperimentRecord>('GET', `/api/experiments/${long.id}`)).body).toMatchObject({ status: 'cancelled' })
    expect((await list(a)).filter((row) => row.id === small.id || row.id === long.id).map((row) => row.status)).toEqual(['cancelled', 'done'])

    // A third instance started now has both from the store (and does not mark them failed).
    const c = await startInstance(cluster, 'C', 'exp')
    expect(ExperimentRecord.parse((await c.request('GET', `/api/experiments/${small.id}`)).body)).toEqual(doneOnA)
  }, 30_000)

  it('an experiment whose instance died is failed, not running forever', async () => {
    const d = await startInstance(cluster, 'D', 'orphan')
    const e = await startInstance(cluster, 'E', 'orphan')
    const long = await post(d, LONG_RUN)
    await pollUntil(e, long.id, (record) => record.status === 'running', 'the run on D, seen from E')

    // An instance started while D runs it leaves it alone.
    const f = await startInstance(cluster, 'F', 'orphan')
    expect((await f.request<ExperimentRecord>('GET', `/api/experiments/${long.id}`)).body).toMatchObject({ status: 'running' })
    await cluster.stop(f)

    d.app.cluster?.crash()
    const failed = await pollUntil(e, long.id, (record) => record.status !== 'running', 'the dead run to show failed', 3000)
    expect(failed).toMatchObject({ status: 'failed', error: 'the server running it (D) stopped before it finished' })
    // Within a few lease TTLs a survivor stores the verdict, so every instance and restart agrees.
    await expect
      .poll(async () => (JSON.parse((await cluster.redis.get(`orphan:experiment:${long.id}`)) ?? '{}') as { status?: string }).status, {
        timeout: 4 * LEASE_MS + 2000,
        interval: 50,
      })
      .toBe('failed')
    expect(await cluster.redis.hexists('orphan:experiments-running', long.id)).toBe(0)
    expect((await list(e)).find((row) => row.id === long.id)?.status).toBe('failed')
    expect((await e.request<ErrorReply>('DELETE', `/api/experiments/${long.id}`, { token: long.cancelToken })).status).toBe(409)
    await cluster.stop(d)
  }, 30_000)
})

describe('experiments while Redis is down', () => {
  it('answer 503 STORAGE (never 500): creating, listing, reading and cancelling', async () => {
    const redis = await startRedisServer()
    const instance = await startLiveServer({ lanAddress: null, cluster: { redisUrl: redis.url, instanceId: 'R', leaseTtlMs: LEASE_MS, keyPrefix: 'down' } })
    try {
      const created = await post(instance, { nodes: [4], p: [1], rounds: 10 })
      await redis.stop()
      const refused = await instance.request<ErrorReply>('POST', '/api/experiments', { body: { nodes: [4], p: [1], rounds: 10 } })
      expect(refused.status, JSON.stringify(refused.body)).toBe(503)
      expect(refused.body.error.code).toBe('STORAGE')
      for (const [method, path] of [
        ['GET', '/api/experiments'],
        ['GET', '/api/experiments/notheldhere'],
        ['DELETE', '/api/experiments/notheldhere'],
      ] as const) {
        const answer = await instance.request<ErrorReply>(method, path, { token: created.cancelToken })
        expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(503)
        expect(answer.body.error.code).toBe('STORAGE')
      }
    } finally {
      await redis.stop().catch(() => undefined)
      await instance.close().catch(() => undefined)
    }
  }, 60_000)
})

