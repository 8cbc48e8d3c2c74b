import { ExperimentRecord } from '@pbft/protocol'
import { describe, expect, it } from 'vitest'
import { ExperimentService, type ExperimentEvents } from '../../src/experiments'
import { RESTARTED } from '../../src/experiments/experimentService'
import { MemorySessionStore } from '../../src/store/memorySessionStore'
import { StoreError } from '../../src/store/sessionStore'
import { refusalOf } from '../errors/refusalOf'

const SMALL = { nodes: [4], p: [0.9], rounds: 100, seed: 1 }
/** Seconds of work on a worker: long enough to look at while it runs. */
const LONG = { nodes: [100], p: [0.9], rounds: 10_000_000, seed: 1 }

/** Experiment events (given to the service when it opens) whose final records a test awaits in turn. */
function finishes(): { events: ExperimentEvents; next(): Promise<ExperimentRecord> } {
  const arrived: ExperimentRecord[] = []
  const waiting: ((record: ExperimentRecord) => void)[] = []
  const finished = (_id: string, record: ExperimentRecord): void => {
    const waiter = waiting.shift()
    if (waiter) waiter(record)
    else arrived.push(record)
  }
  return {
    events: { progress: () => undefined, finished },
    next: () => {
      const record = arrived.shift()
      return record ? Promise.resolve(record) : new Promise((resolve) => waiting.push(resolve))
    },
  }
}

/** A store whose experiment saves wait until `open()` is called. */
function gatedStore(): { store: MemorySessionStore; open: () => void; saves: string[] } {
  const store = new MemorySessionStore()
  const saves: string[] = []
  let release: () => void = () => undefined
  const gate = new Promise<void>((resolve) => (release = resolve))
  const save = store.saveExperiment.bind(store)
  store.saveExperiment = async (id, text) => {
    await gate
    saves.push(id)
    return save(id, text)
  }
  return { store, open: () => release(), saves }
}

describe('ExperimentService', () => {
  it('finishes an experiment even when the disk fails later, and says so', async () => {
    const store = new MemorySessionStore()
    const warnings: string[] = []
    const { events, next } = finishes()
    const service = await ExperimentService.open({ store, appVersion: 't', events, log: { warn: (m) => warnings.push(m) } })
    const finished = next()
    await service.start(SMALL, 'a')
    store.saveExperiment = () => Promise.reject(new StoreError('cannot write: the disk is full', 'NO_SPACE'))
    expect((await finished).status).toBe('done')
    await service.close()
    expect(warnings.some((warning) => warning.includes('the disk is full'))).toBe(true)
  })

  it('is not broken by a failing event listener, and refuses new runs once closed', async () => {
    let resolve: (record: ExperimentRecord) => void = () => undefined
    const finished = new Promise<ExperimentRecord>((done) => (resolve = done))
    const events: ExperimentEvents = {
      progress: () => {
        throw new Error('listener bug')
      },
      finished: (_id, record) => resolve(record),
    }
    const service = await ExperimentService.open({ store: new MemorySessionStore(), appVersion: 't', events })
    await service.start(SMALL, 'a')
    expect((await finished).status).toBe('done')
    expect(service.warnings.join('\n')).toContain('listener bug')
    await service.close()
    expect(await refusalOf(service.start(SMALL, 'a'))).toMatchObject({ status: 503, code: 'UNAVAILABLE' })
  })

  it('gives the record the versions and the first progress numbers at once', async () => {
    const { events, next } = finishes()
    const service = await ExperimentService.open({ store: new MemorySessionStore(), appVersion: '9.9.9', events })
    const finished = next()
    const { record, cancelToken } = await service.start({ nodes: [4, 7], p: [1], rounds: 10, seed: 3 }, 'a')
    expect(record).toMatchObject({ status: 'running', progress: { done: 0, total: 20 }, appVersion: '9.9.9' })
    expect(record.engineVersion).not.toBe('unknown')
    expect(cancelToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const done = await finished
    expect(done.results?.map((point) => point.successRate)).toEqual([1, 1])
    await service.close()
  })

  it('acknowledges a run only once its record is stored, with the token as a hash only', async () => {
    const { store, open, saves } = gatedStore()
    const service = await ExperimentService.open({ store, appVersion: 't' })
    let acknowledged = false
    const starting = service.start(LONG, 'a').then((started) => {
      acknowledged = true
      return started
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(acknowledged).toBe(false)
    open()
    const { record, cancelToken } = await starting
    expect(saves).toEqual([record.id])
    const stored = (await store.loadExperiment(record.id)) ?? ''
    expect(JSON.parse(stored)).toMatchObject({ v: 1, id: record.id, status: 'running', cancelTokenHash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(stored).not.toContain(cancelToken)
    service.cancel(record.id, cancelToken)
    await service.close()
  })

  it('refuses with 503 STORAGE when the record cannot be stored, leaving nothing behind', async () => {
    const store = new MemorySessionStore()
    const save = store.saveExperiment.bind(store)
    store.saveExperiment = () => Promise.reject(new StoreError('cannot write in Redis: connection refused', 'IO'))
    const { events, next } = finishes()
    const service = await ExperimentService.open({ store, appVersion: 't', events })
    expect(await refusalOf(service.start(SMALL, 'a'))).toMatchObject({ status: 503, code: 'STORAGE', message: expect.stringContaining('connection refused') })
    expect(service.list(10)).toEqual([])
    // The slot was given back: the same client may start one once the store works again.
    store.saveExperiment = save
    const finished = next()
    await service.start(SMALL, 'a')
    expect((await finished).status).toBe('done')
    await service.close()
  })

  it('withdraws a run the cluster registry could not announce: 503 STORAGE, no document, no registration left', async () => {
    const store = new MemorySessionStore()
    const withdrawn: string[] = []
    const registry = {
      runningElsewhere: async () => new Set<string>(),
      started: () => Promise.reject(new Error('Reached the max retries per request limit')),
      settled: () => undefined,
      withdrawn: (id: string) => withdrawn.push(id),
    }
    const service = await ExperimentService.open({ store, appVersion: 't', registry })
    expect(await refusalOf(service.start(SMALL, 'a'))).toMatchObject({ status: 503, code: 'STORAGE' })
    expect(withdrawn).toHaveLength(1)
    await expect.poll(() => store.loadExperimentHeads()).toEqual([])
    expect(service.has(withdrawn[0] ?? '')).toBe(false)
    await service.close()
  })

  it('runs one experiment per client address, and at most maxRunning in all', async () => {
    const service = await ExperimentService.open({ store: new MemorySessionStore(), appVersion: 't', maxRunning: 2, workers: 1 })
    const first = await service.start(LONG, '10.0.0.1')
    expect(await refusalOf(service.start(LONG, '10.0.0.1'))).toMatchObject({ status: 429, code: 'EXPERIMENT_LIMIT', message: expect.stringContaining(first.record.id) })
    const second = await service.start(LONG, '10.0.0.2')
    expect(await refusalOf(service.start(LONG, '10.0.0.3'))).toMatchObject({ status: 429, code: 'BUSY' })
    service.cancel(first.record.id, first.cancelToken)
    const third = await service.start(LONG, '10.0.0.1')
    service.cancel(second.record.id, second.cancelToken)
    service.cancel(third.record.id, third.cancelToken)
    await service.close()
  })

  it('cancels only with the cancel token: 401 without, 403 with another', async () => {
    const service = await ExperimentService.open({ store: new MemorySessionStore(), appVersion: 't', workers: 1 })
    const run = await service.start(LONG, 'a')
    const id = run.record.id
    expect(await refusalOf(() => service.cancel(id, undefined))).toMatchObject({ status: 401, code: 'UNAUTHORIZED' })
    expect(await refusalOf(() => service.cancel(id, ''))).toMatchObject({ status: 401 })
    expect(await refusalOf(() => service.cancel(id, 'x'.repeat(43)))).toMatchObject({ status: 403, code: 'FORBIDDEN' })
    expect(await refusalOf(() => service.cancel('nope', run.cancelToken))).toMatchObject({ status: 404 })
    expect(service.get(id)?.status).toBe('running')
    expect(service.cancel(id, run.cancelToken)).toMatchObject({ id, status: 'cancelled' })
    // Again: a no-op, with the token; still 401/403 without it.
    expect(service.cancel(id, run.cancelToken)).toMatchObject({ status: 'cancelled' })
    expect(await refusalOf(() => service.cancel(id, 'y'.repeat(43)))).toMatchObject({ status: 403 })
    await service.close()
  })

  it('stores what a dead server left running as failed, saying why', async () => {
    const store = new MemorySessionStore()
    const first = await ExperimentService.open({ store, appVersion: 't', workers: 1 })
    const { record } = await first.start(LONG, 'a')
    // A crash: nothing more is written (no close).
    const second = await ExperimentService.open({ store, appVersion: 't' })
    const answer = ExperimentRecord.parse(JSON.parse(((await second.answer(record.id)) ?? '').toString()))
    expect(answer).toMatchObject({ id: record.id, status: 'failed', error: RESTARTED })
    expect(JSON.parse((await store.loadExperiment(record.id)) ?? '')).toMatchObject({ status: 'failed', error: RESTARTED })
    await first.close()
    await second.close()
  })

  it('keeps maxKept experiments: the oldest finished ones are deleted, record and document', async () => {
    const store = new MemorySessionStore()
    const { events, next } = finishes()
    const service = await ExperimentService.open({ store, appVersion: 't', maxKept: 3, events })
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const finished = next()
      ids.push((await service.start({ ...SMALL, seed: i }, 'a')).record.id)
      await finished
    }
    await service.close()
    expect(service.list(10).map((row) => row.id)).toEqual(ids.slice(2).reverse())
    expect((await store.loadExperimentHeads()).map((head) => head.id).sort()).toEqual(ids.slice(2).sort())
    expect(await service.answer(ids[0] ?? '')).toBeUndefined()
  })
})

describe('ExperimentService start-up and reads', () => {
  it('reads only the first line of each stored experiment on start-up; results come from the store when asked', async () => {
    const store = new MemorySessionStore()
    const { events, next } = finishes()
    const first = await ExperimentService.open({ store, appVersion: 't', events })
    const finished = next()
    const { record } = await first.start({ nodes: [4, 7, 10], p: [0.8, 0.9, 1], rounds: 200, seed: 5 }, 'a')
    const done = await finished
    await first.close()

    let loads = 0
    const load = store.loadExperiment.bind(store)
    store.loadExperiment = (id) => {
      loads++
      return load(id)
    }
    const second = await ExperimentService.open({ store, appVersion: 't', answerCacheBytes: 1 })
    expect(loads).toBe(0)
    expect(second.list(10)).toEqual([expect.objectContaining({ id: record.id, status: 'done', summary: expect.objectContaining({ points: 9 }) })])
    const answers = await Promise.all([second.answer(record.id), second.answer(record.id)])
    // Concurrent readers share one load; the answer is too big for this cache, so it is not kept.
    expect(loads).toBe(1)
    for (const answer of answers) expect(ExperimentRecord.parse(JSON.parse(answer?.toString() ?? ''))).toEqual(done)
    await second.answer(record.id)
    expect(loads).toBe(2)
    await second.close()
  })
})
