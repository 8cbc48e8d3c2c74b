import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as fsPromises from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FileSessionStore } from '../../src/store/fileSessionStore'
import { StoreError } from '../../src/store/sessionStore'

// Counts renames (one per completed write) without changing what they do.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>()
  return { ...actual, rename: vi.fn(actual.rename) }
})


describe('FileSessionStore', () => {
  let dataDir: string
  let store: FileSessionStore

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pbft-store-'))
    store = await FileSessionStore.open(dataDir)
  })

  afterEach(async () => {
    await store.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  /** The files of `dir`, without the session index the store keeps beside the snapshots. */
  const filesIn = (dir: string): string[] => readdirSync(join(dataDir, dir)).filter((name) => name !== 'sessions.index').sort()

  it('creates its directories and round-trips sessions and experiments', async () => {
    await store.saveSession('s1', { v: 1, name: 'demo' })
    await store.saveExperiment('e1', '{"v":1,"status":"done","results":[\n{"a":1}\n]}\n')
    // Saves are journaled; the snapshot files follow in the background (or on flush).
    await store.flushSnapshots()
    expect(filesIn('sessions')).toEqual(['journal-000001.log', 's1.json'])
    expect(filesIn('experiments')).toEqual(['e1.json'])
    expect(await store.loadSessions()).toEqual([{ v: 1, name: 'demo' }])
    expect(await store.loadExperiment('e1')).toBe('{"v":1,"status":"done","results":[\n{"a":1}\n]}\n')
    expect(await store.loadExperiment('never-saved')).toBeNull()
  })

  it("lists experiments by their first line, reading no more of them (a long line whole)", async () => {
    const results = Array.from({ length: 20_000 }, (_, i) => `{"point":${i}}`).join(',\n')
    await store.saveExperiment('big', `{"v":1,"id":"big","results":[\n${results}\n]}\n`)
    await store.saveExperiment('flat', `{"v":1,"id":"flat","pad":"${'x'.repeat(100_000)}"}\n`)
    await store.saveExperiment('short', '{"v":1,"id":"short"}')
    expect(await store.loadExperimentHeads()).toEqual([
      { id: 'big', head: '{"v":1,"id":"big","results":[' },
      { id: 'flat', head: `{"v":1,"id":"flat","pad":"${'x'.repeat(100_000)}"}` },
      { id: 'short', head: '{"v":1,"id":"short"}' },
    ])
    await store.deleteExperiment('big')
    await store.deleteExperiment('never-saved')
    expect(filesIn('experiments')).toEqual(['flat.json', 'short.json'])
  })

  it('deletes sessions, and deleting a missing one is fine', async () => {
    await store.saveSession('s1', { v: 1 })
    await store.deleteSession('s1')
    await store.deleteSession('never-saved')
    expect(await store.loadSessions()).toEqual([])
  })

  it('leaves no temp files behind', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.saveSession(`s${i % 4}`, { v: 1, i })))
    await store.flushSnapshots()
    expect(filesIn('sessions')).toEqual(['journal-000001.log', 's0.json', 's1.json', 's2.json', 's3.json'])
    await store.close()
    // Closed with every snapshot written: the journal is no longer needed.
    expect(filesIn('sessions')).toEqual(['s0.json', 's1.json', 's2.json', 's3.json'])
  })

  it('coalesces a burst of saves: every promise resolves and the newest document is on disk', async () => {
    const rename = vi.mocked(fsPromises.rename)
    rename.mockClear()
    const saves = Array.from({ length: 100 }, (_, i) => store.saveSession('hot', { v: 1, i }))
    await expect(Promise.all(saves)).resolves.toHaveLength(100)
    await store.flushSnapshots()
    expect(JSON.parse(readFileSync(join(dataDir, 'sessions', 'hot.json'), 'utf8'))).toEqual({ v: 1, i: 99 })
    // The 100 saves are one journal batch, and the newest of them one snapshot (at most two).
    const snapshots = rename.mock.calls.filter(([, to]) => String(to).endsWith('hot.json'))
    expect(snapshots.length).toBeGreaterThanOrEqual(1)
    expect(snapshots.length).toBeLessThanOrEqual(2)
  })

  it('snapshots a document when it is saved, not when it is written', async () => {
    const document = { v: 1, count: 1 }
    const first = store.saveSession('snap', document)
    const second = store.saveSession('snap', { ...document })
    document.count = 2
    await Promise.all([first, second])
    expect(await store.loadSessions()).toEqual([{ v: 1, count: 1 }])
  })

  it('keeps call order between saves and deletes of one id', async () => {
    const writes = [store.saveSession('x', { v: 1 }), store.deleteSession('x'), store.saveSession('x', { v: 2 })]
    await Promise.all(writes)
    expect(await store.loadSessions()).toEqual([{ v: 2 }])
    await Promise.all([store.saveSession('y', { v: 1 }), store.deleteSession('y')])
    await store.flushSnapshots()
    expect(filesIn('sessions')).toEqual(['journal-000001.log', 'x.json'])
  })

  it('skips corrupt and unreadable documents with a warning instead of failing', async () => {
    await store.saveSession('good', { v: 1 })
    writeFileSync(join(dataDir, 'sessions', 'torn.json'), '{"v": 1, "na')
    mkdirSync(join(dataDir, 'sessions', 'folder.json'))
    writeFileSync(join(dataDir, 'sessions', 'notes.txt'), 'not a document')
    expect(await store.loadSessions()).toEqual([{ v: 1 }])
    expect(store.warnings).toHaveLength(2)
    expect(store.warnings.join('\n')).toContain(join(dataDir, 'sessions', 'torn.json'))
  })

  it('removes temp files a crash left behind when it opens', async () => {
    writeFileSync(join(dataDir, 'experiments', 'e1.json.123.4.tmp'), '{"half')
    const reopened = await FileSessionStore.open(dataDir)
    expect(filesIn('experiments')).toEqual([])
    await reopened.close()
  })

  it('rejects ids that are not safe file names', async () => {
    await expect(store.saveSession('../escape', {})).rejects.toThrow(/invalid document id/)
    await expect(store.saveExperiment('', '{}')).rejects.toThrow(RangeError)
    await expect(store.loadExperiment('../x')).rejects.toThrow(RangeError)
    await expect(store.deleteSession('a'.repeat(65))).rejects.toThrow(RangeError)
  })

  it('waits for pending writes on close, then refuses new ones', async () => {
    const pending = store.saveExperiment('late', '{"v":1}')
    await store.close()
    await expect(pending).resolves.toBeUndefined()
    expect(filesIn('experiments')).toEqual(['late.json'])
    await expect(store.saveExperiment('after', '{"v":1}')).rejects.toBeInstanceOf(StoreError)
  })
})

describe('FileSessionStore.open on a bad DATA_DIR', () => {
  let root: string

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pbft-store-bad-'))
  })

  afterEach(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it('fails with a StoreError naming the path when a parent is a regular file (even for root)', async () => {
    const file = join(root, 'plain-file')
    writeFileSync(file, 'x')
    const dataDir = join(file, 'data')
    const error = await FileSessionStore.open(dataDir).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).code).toBe('UNWRITABLE')
    expect((error as StoreError).message).toContain(dataDir)
  })

  it('fails with a StoreError when DATA_DIR is itself a file', async () => {
    const file = join(root, 'data')
    writeFileSync(file, 'x')
    await expect(FileSessionStore.open(file)).rejects.toMatchObject({ name: 'StoreError', code: 'UNWRITABLE' })
  })
})
