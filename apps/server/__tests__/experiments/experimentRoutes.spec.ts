import { successProbability, sweep } from '@pbft/engine'
import { ExperimentCreated, ExperimentList, ExperimentRecord, type ExperimentProgressEvent } from '@pbft/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExperimentEvents } from '../../src/experiments'
import { startTestServer, type TestServer } from '../http/testServer'

type ErrorReply = { error: { code: string; message: string } }

/** Records every event, and lets a test wait for an experiment's end. */
function eventLog() {
  const progress: ExperimentProgressEvent[] = []
  const finished = new Map<string, ExperimentRecord>()
  const waiters = new Map<string, (record: ExperimentRecord) => void>()
  const events: ExperimentEvents = {
    progress: (id, done, total) => progress.push({ id, done, total }),
    finished: (id, record) => {
      finished.set(id, record)
      waiters.get(id)?.(record)
    },
  }
  const finishedRecord = (id: string) =>
    new Promise<ExperimentRecord>((resolve) => {
      const known = finished.get(id)
      if (known) resolve(known)
      else waiters.set(id, resolve)
    })
  return { events, progress, finishedRecord }
}

// A sweep that takes seconds on a worker: long enough to cancel, never waited for.
const LONG_RUN = { nodes: [100], p: '0.5:1:0.05', rounds: 1_000_000 }

describe('the experiment API', () => {
  let server: TestServer
  const log = eventLog()

  beforeAll(async () => {
    // inThreadMaxDraws 0: every run takes the worker-thread path, as big experiments do.
    server = await startTestServer({ service: { events: log.events, inThreadMaxDraws: 0, progressIntervalMs: 0, workers: 1 } })
  })

  afterAll(async () => {
    await server.app.close()
  })

  async function pollUntilSettled(id: string): Promise<ExperimentRecord> {
    for (;;) {
      const { status, body } = await server.request<ExperimentRecord>('GET', `/api/experiments/${id}`)
      expect(status).toBe(200)
      if (body.status !== 'running') return ExperimentRecord.parse(body)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  it('runs a sweep on workers: 202, then results identical to the in-thread engine, with theory', async () => {
    const request = { nodes: '4,7', p: [0.9, 1], rounds: 70_000, seed: 42 }
    const created = await server.request('POST', '/api/experiments', request)
    expect(created.status).toBe(202)
    const answer = ExperimentCreated.parse(created.body)
    expect(answer).toMatchObject({ status: 'running', total: 4 * 70_000 })

    const record = await pollUntilSettled(answer.id)
    expect(record.status).toBe('done')
    expect(record.config).toEqual({ nodes: [4, 7], p: [0.9, 1], rounds: 70_000, seed: 42, quorumRule: ['original'] })
    expect(record.progress).toEqual({ done: 280_000, total: 280_000 })
    expect(record.engineVersion).toMatch(/^\d+\.\d+\.\d+/)
    expect(record.appVersion).toBe('0.0.0-test')
    expect(record.elapsedMs).toBeGreaterThan(0)

    const expected = sweep({ nodes: [4, 7], ps: [0.9, 1], rounds: 70_000, seed: 42 })
    expect(record.results).toHaveLength(4)
    record.results?.forEach((point, i) => {
      const engine = expected[i]
      expect(point).toEqual({
        nodes: engine?.nodes,
        f: engine?.f,
        p: engine?.p,
        rounds: 70_000,
        seed: 42,
        pointSeed: engine?.seed,
        successes: engine?.successes,
        successRate: engine?.successRate,
        ci95: engine?.ci95,
        theoreticalSuccessRate: successProbability(point.nodes, point.p, point.f),
        failures: engine?.failures,
        meanMessages: engine?.meanMessages,
        quorumRule: 'original',
        safetyViolations: 0,
      })
    })

    // Chunks of 65,536 rounds: two per point, eight progress events, monotone, ending at the total.
    const events = log.progress.filter((event) => event.id === answer.id)
    expect(events.length).toBe(8)
    expect(events.every((event, i) => event.total === 280_000 && (i === 0 || event.done > (events[i - 1]?.done ?? 0)))).toBe(true)
    expect(events.at(-1)?.done).toBe(280_000)
    expect((await log.finishedRecord(answer.id)).status).toBe('done')
  })

  it('runs both quorum rules when asked: every row carries its rule and that rule’s theory, as pbft sweep --quorum-rule gives it', async () => {
    const request = { nodes: [4], p: '0.8,0.9', rounds: 3_000, seed: 7, quorumRule: ['castro-liskov', 'original'] }
    const created = await server.request('POST', '/api/experiments', request)
    expect(created.status).toBe(202)
    const answer = ExperimentCreated.parse(created.body)
    expect(answer.total).toBe(2 * 2 * 3_000)
    const record = await pollUntilSettled(answer.id)
    expect(record.status).toBe('done')
    expect(record.config).toEqual({ nodes: [4], p: [0.8, 0.9], rounds: 3_000, seed: 7, quorumRule: ['original', 'castro-liskov'] })
    expect(record.progress).toEqual({ done: 12_000, total: 12_000 })
    const rows = record.results ?? []
    expect(rows.map((row) => [row.quorumRule, row.p])).toEqual([
      ['original', 0.8],
      ['original', 0.9],
      ['castro-liskov', 0.8],
      ['castro-liskov', 0.9],
    ])
    for (const rule of ['original', 'castro-liskov'] as const) {
      const engine = sweep({ nodes: [4], ps: [0.8, 0.9], rounds: 3_000, seed: 7, quorumRule: rule })
      const mine = rows.filter((row) => row.quorumRule === rule)
      expect(mine.map((row) => [row.successes, row.pointSeed, row.safetyViolations])).toEqual(engine.map((point) => [point.successes, point.seed, 0]))
      expect(mine.map((row) => row.theoreticalSuccessRate)).toEqual([successProbability(4, 0.8, 1, rule), successProbability(4, 0.9, 1, rule)])
    }
    // MODEL.md: N = 4, p = 0.9 under castro-liskov.
    expect(rows[3]?.theoreticalSuccessRate).toBe(0.7907543172404601)
    const list = await server.request<ExperimentList>('GET', '/api/experiments?limit=5')
    expect(list.body.experiments.find((row) => row.id === answer.id)?.summary.points).toBe(4)
    const single = await server.request('POST', '/api/experiments', { nodes: [4], p: [0.9], rounds: 10, quorumRule: 'castro-liskov' })
    const one = await pollUntilSettled(ExperimentCreated.parse(single.body).id)
    expect(one.config.quorumRule).toEqual(['castro-liskov'])
    expect(one.results?.map((row) => row.quorumRule)).toEqual(['castro-liskov'])
    const refused = await server.request<ErrorReply>('POST', '/api/experiments', { nodes: [4], p: [0.9], rounds: 10, quorumRule: 'paper' })
    expect(refused).toEqual({
      status: 400,
      body: { error: { code: 'VALIDATION', message: 'body.quorumRule: expected "original" or "castro-liskov", or a list of them' } },
    })
  })

  async function firstProgress(id: string): Promise<void> {
    while (!log.progress.some((event) => event.id === id)) await new Promise((resolve) => setTimeout(resolve, 10))
  }

  it('cancels a running experiment mid-run with DELETE, and with POST …/cancel', async () => {
    for (const [i, cancel] of [
      (id: string, token?: string) => server.request<ExperimentRecord>('DELETE', `/api/experiments/${id}`, undefined, { token }),
      (id: string, token?: string) => server.request<ExperimentRecord>('POST', `/api/experiments/${id}/cancel`, undefined, { token }),
    ].entries()) {
      const created = await server.request<ExperimentCreated>('POST', '/api/experiments', LONG_RUN)
      expect(created.status).toBe(202)
      const { id, cancelToken } = ExperimentCreated.parse(created.body)
      // The first is cancelled while its worker is computing, the second before it has started.
      if (i === 0) await firstProgress(id)
      // Anyone can read an experiment; only who started it (the token) can cancel it.
      const anonymous = await cancel(id)
      expect(anonymous.status).toBe(401)
      expect(anonymous.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.stringContaining('Authorization: Bearer <cancelToken>') } })
      const wrong = await cancel(id, 'x'.repeat(43))
      expect(wrong.status).toBe(403)
      expect(wrong.body).toEqual({ error: { code: 'FORBIDDEN', message: 'wrong cancel token for this experiment' } })
      expect((await server.request<ExperimentRecord>('GET', `/api/experiments/${id}`)).body.status).toBe('running')
      const cancelled = await cancel(id, cancelToken)
      expect(cancelled.status).toBe(200)
      expect(cancelled.body).toMatchObject({ id, status: 'cancelled' })
      expect((await log.finishedRecord(id)).status).toBe('cancelled')
      const later = await server.request<ExperimentRecord>('GET', `/api/experiments/${id}`)
      expect(later.body.status).toBe('cancelled')
      expect(later.body.results).toBeUndefined()
      expect(later.body.progress.done).toBeLessThan(later.body.progress.total)
      // Cancelling again is harmless.
      expect((await cancel(id, cancelToken)).status).toBe(200)
    }
  })

  it('runs one experiment per client address and at most two at once: 429 EXPERIMENT_LIMIT, then 429 BUSY', async () => {
    const first = await server.request<ExperimentCreated>('POST', '/api/experiments', LONG_RUN, { from: '10.0.0.1' })
    const again = await server.request<ErrorReply>('POST', '/api/experiments', LONG_RUN, { from: '10.0.0.1' })
    const second = await server.request<ExperimentCreated>('POST', '/api/experiments', LONG_RUN, { from: '10.0.0.2' })
    const third = await server.request<ErrorReply>('POST', '/api/experiments', LONG_RUN, { from: '10.0.0.3' })
    expect([first.status, again.status, second.status, third.status]).toEqual([202, 429, 202, 429])
    expect(again.body.error).toEqual({ code: 'EXPERIMENT_LIMIT', message: expect.stringContaining(first.body.id) })
    expect(third.body.error.code).toBe('BUSY')
    await server.request('DELETE', `/api/experiments/${first.body.id}`, undefined, { token: first.body.cancelToken })
    await server.request('DELETE', `/api/experiments/${second.body.id}`, undefined, { token: second.body.cancelToken })
  })

  it('serves a finished record as bytes encoded once', async () => {
    const created = await server.request<ExperimentCreated>('POST', '/api/experiments', { nodes: '4:13', p: '0.5:1:0.1', rounds: 100 })
    const record = await pollUntilSettled(created.body.id)
    expect(record.results).toHaveLength(60)
    const first = await server.experiments.answer(created.body.id)
    expect(await server.experiments.answer(created.body.id)).toBe(first)
    const response = await fetch(`${server.base}/api/experiments/${created.body.id}`)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(Buffer.from(await response.arrayBuffer()).equals(first ?? Buffer.alloc(0))).toBe(true)
  })

  it('answers a finished experiment cancel with 409 and unknown ids with 404', async () => {
    const created = await server.request<ExperimentCreated>('POST', '/api/experiments', { nodes: [4], p: [1], rounds: 10 })
    await pollUntilSettled(created.body.id)
    const conflict = await server.request<ErrorReply>('DELETE', `/api/experiments/${created.body.id}`, undefined, { token: created.body.cancelToken })
    expect(conflict.status).toBe(409)
    expect(conflict.body.error.code).toBe('CONFLICT')
    const missing = await server.request<ErrorReply>('GET', '/api/experiments/no-such-id')
    expect(missing).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'no experiment no-such-id' } } })
    const badId = await server.request<ErrorReply>('GET', '/api/experiments/bad.id')
    expect(badId.status).toBe(400)
    expect(badId.body.error).toEqual({ code: 'VALIDATION', message: 'params.id: is not an experiment id' })
  })

  it('lists experiments newest first, bounded by limit', async () => {
    const all = await server.request<ExperimentList>('GET', '/api/experiments')
    expect(all.status).toBe(200)
    const list = ExperimentList.parse(all.body).experiments
    expect(list.length).toBeGreaterThanOrEqual(5)
    const times = list.map((row) => row.createdAt)
    expect([...times].sort().reverse()).toEqual(times)
    expect(list.at(-1)?.summary).toEqual({ points: 4, nodes: [4, 7], p: [0.9, 1], rounds: 70_000, seed: 42 })
    const two = await server.request<ExperimentList>('GET', '/api/experiments?limit=2')
    expect(two.body.experiments.map((row) => row.id)).toEqual(list.slice(0, 2).map((row) => row.id))
    const bad = await server.request<ErrorReply>('GET', '/api/experiments?limit=0')
    expect(bad.body.error).toEqual({ code: 'VALIDATION', message: 'query.limit: must be >= 1' })
  })

  describe('rejects bad bodies with 400 VALIDATION naming the field, never a 5xx', () => {
    const cases: [string, unknown, string][] = [
      ['p above 1', { nodes: [4], p: '1.5', rounds: 10 }, 'body.p: 1.5 is not a probability in [0, 1]'],
      ['p above 1 in an array', { nodes: [4], p: [0.5, 1.5], rounds: 10 }, 'body.p: 1.5 is not a probability in [0, 1]'],
      ['nodes 0', { nodes: '0', p: '1', rounds: 10 }, 'body.nodes: 0 is not an integer >= 1'],
      ['negative rounds', { nodes: [4], p: [1], rounds: -3 }, 'body.rounds: -3 is not an integer >= 1'],
      ['fractional rounds', { nodes: [4], p: [1], rounds: 1.5 }, 'body.rounds: 1.5 is not an integer'],
      ['rounds as text', { nodes: [4], p: [1], rounds: '10' }, 'body.rounds: 10 is not an integer'],
      ['missing rounds', { nodes: [4], p: [1] }, 'body.rounds: required (an integer)'],
      ['missing nodes', { p: [1], rounds: 10 }, 'body.nodes: required'],
      ['nodes of the wrong type', { nodes: true, p: [1], rounds: 10 }, 'body.nodes: expected a list of numbers'],
      ['an empty list', { nodes: [], p: [1], rounds: 10 }, 'body.nodes: empty value'],
      ['a bad range', { nodes: '4:1', p: [1], rounds: 10 }, 'body.nodes: start 4 is greater than end 1 in 4:1'],
      ['an unknown field', { nodes: [4], p: [1], rounds: 10, faults: { 1: 'silent' } }, 'body: unknown field "faults"'],
      ['a body that is not an object', [1, 2], 'body: expected a JSON object'],
      ['a huge grid', { nodes: '1:1000', p: '0:1:0.001', rounds: 1 }, 'body: nodes × p gives 1001000 points, more than the 10000'],
      ['too many rounds', { nodes: '4:100', p: '0:1:0.1', rounds: 1_000_000 }, 'body.rounds: nodes × p × rounds gives'],
      ['too much work', { nodes: [10_000], p: [0.9], rounds: 100_000 }, 'body: the sweep is too large'],
      ['a negative seed', { nodes: [4], p: [1], rounds: 10, seed: -1 }, 'body.seed: -1 is not an integer >= 0'],
    ]
    it.each(cases)('%s', async (_name, body, message) => {
      const response = await server.request<ErrorReply>('POST', '/api/experiments', body)
      expect(response.status).toBe(400)
      expect(response.body.error.code).toBe('VALIDATION')
      expect(response.body.error.message.startsWith(message), response.body.error.message).toBe(true)
    })

    it('malformed JSON and a missing body', async () => {
      const malformed = await server.request<ErrorReply>('POST', '/api/experiments', '{"nodes": [4')
      expect(malformed.status).toBe(400)
      const missing = await fetch(`${server.base}/api/experiments`, { method: 'POST' })
      expect(missing.status).toBe(400)
      expect(((await missing.json()) as ErrorReply).error).toEqual({ code: 'VALIDATION', message: 'body: required (a JSON object)' })
    })
  })
})
