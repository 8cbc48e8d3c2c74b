import type { ExperimentRecord } from '@pbft/protocol'
import { describe, expect, it } from 'vitest'
import { ExperimentService } from '../../src/experiments'
import { MemorySessionStore } from '../../src/store/memorySessionStore'
import { StoreError } from '../../src/store/sessionStore'

const SMALL = { nodes: [4], p: [0.9], rounds: 100, seed: 1 }

function finishedOnce(service: ExperimentService): Promise<ExperimentRecord> {
  return new Promise((resolve) => {
    service.events = { progress: () => undefined, finished: (_id, record) => resolve(record) }
  })
}

describe('ExperimentService', () => {
  it('finishes an experiment even when the disk fails, and says so', async () => {
    const store = new MemorySessionStore()
    store.saveExperiment = () => Promise.reject(new StoreError('cannot write: the disk is full', 'NO_SPACE'))
    const warnings: string[] = []
    const service = await ExperimentService.open({ store, appVersion: 't', log: { warn: (m) => warnings.push(m) } })
    const finished = finishedOnce(service)
    service.start(SMALL)
    expect((await finished).status).toBe('done')
    await service.close()
    expect(warnings.some((warning) => warning.includes('the disk is full'))).toBe(true)
  })

  it('is not broken by a failing event listener, and refuses new runs once closed', async () => {
    const service = await ExperimentService.open({ store: new MemorySessionStore(), appVersion: 't' })
    const finished = new Promise<ExperimentRecord>((resolve) => {
      service.events = {
        progress: () => {
          throw new Error('listener bug')
        },
        finished: (_id, record) => resolve(record),
      }
    })
    service.start(SMALL)
    expect((await finished).status).toBe('done')
    expect(service.warnings.join('\n')).toContain('listener bug')
    await service.close()
    expect(() => service.start(SMALL)).toThrow(expect.objectContaining({ statusCode: 503, code: 'UNAVAILABLE' }))
  })

  it('gives the record the versions and the first progress numbers at once', async () => {
    const service = await ExperimentService.open({ store: new MemorySessionStore(), appVersion: '9.9.9' })
    const finished = finishedOnce(service)
    const record = service.start({ nodes: [4, 7], p: [1], rounds: 10, seed: 3 })
    expect(record).toMatchObject({ status: 'running', progress: { done: 0, total: 20 }, appVersion: '9.9.9' })
    expect(record.engineVersion).not.toBe('unknown')
    const done = await finished
    expect(done.results?.map((point) => point.successRate)).toEqual([1, 1])
    await service.close()
  })
})
