import { describe, expect, it } from 'vitest'
import { MemorySessionStore } from '../../src/store/memorySessionStore'
import { StoreError } from '../../src/store/sessionStore'

describe('MemorySessionStore', () => {
  it('round-trips sessions and experiments and deletes sessions', async () => {
    const store = new MemorySessionStore()
    await store.saveSession('s1', { v: 1, a: 1 })
    await store.saveSession('s1', { v: 1, a: 2 })
    await store.saveExperiment('e1', '{"v":1,"results":[\n{}\n]}')
    expect(await store.loadSessions()).toEqual([{ v: 1, a: 2 }])
    expect(await store.loadExperimentHeads()).toEqual([{ id: 'e1', head: '{"v":1,"results":[' }])
    expect(await store.loadExperiment('e1')).toBe('{"v":1,"results":[\n{}\n]}')
    await store.deleteExperiment('e1')
    expect(await store.loadExperiment('e1')).toBeNull()
    await store.deleteSession('s1')
    expect(await store.loadSessions()).toEqual([])
  })

  it('stores copies: mutating a saved or loaded object changes nothing stored', async () => {
    const store = new MemorySessionStore()
    const document = { v: 1, list: [1] }
    await store.saveSession('s', document)
    document.list.push(2)
    const [loaded] = (await store.loadSessions()) as { list: number[] }[]
    loaded?.list.push(3)
    expect(await store.loadSessions()).toEqual([{ v: 1, list: [1] }])
  })

  it('keeps only what JSON keeps, as a file would', async () => {
    const store = new MemorySessionStore()
    await store.saveSession('s', { v: 1, gone: undefined, at: new Date(0) })
    expect(await store.loadSessions()).toEqual([{ v: 1, at: '1970-01-01T00:00:00.000Z' }])
  })

  it('rejects bad ids and use after close', async () => {
    const store = new MemorySessionStore()
    await expect(store.saveSession('a/b', {})).rejects.toThrow(RangeError)
    await store.close()
    await expect(store.saveSession('ok', {})).rejects.toBeInstanceOf(StoreError)
  })
})
