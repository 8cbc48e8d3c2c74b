import { constants as fsConstants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FileSessionStore } from '../../src/store/fileSessionStore'
import { Journal, journalFileName, openJournalFile, type JournalFileHandle, type OpenJournalFile } from '../../src/store/journal'
import { SerialisedDocument, StoreError } from '../../src/store/sessionStore'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const fsError = (code: string): Error => Object.assign(new Error(`${code}: simulated failure`), { code })

/**
 * Real journal files whose handles count syncs and can be made to fail: `faults.write` makes
 * the next writes store half their bytes and then fail (like a disk filling up in the middle of
 * an append), `faults.sync` fails the syncs, `faults.truncate` the cut-back after a failure.
 */
class Disk {
  syncs = 0
  /** Bytes of each file known durable: its size at the end of its last successful sync. */
  readonly synced = new Map<string, number>()
  readonly faults = { write: null as string | null, sync: null as string | null, truncate: null as string | null }
  syncDelayMs = 0

  readonly open: OpenJournalFile = async (path) => {
    const handle = await open(path, 'ax', 0o644)
    const file: JournalFileHandle = {
      write: async (buffer, offset, length) => {
        if (this.faults.write === null) return handle.write(buffer, offset, length)
        const half = Math.floor(length / 2)
        if (half > 0) await handle.write(buffer, offset, half)
        throw fsError(this.faults.write)
      },
      datasync: async () => {
        this.syncs++
        if (this.syncDelayMs > 0) await sleep(this.syncDelayMs)
        if (this.faults.sync !== null) throw fsError(this.faults.sync)
        await handle.datasync()
        this.synced.set(path, (await handle.stat()).size)
      },
      truncate: (length) => (this.faults.truncate === null ? handle.truncate(length) : Promise.reject(fsError(this.faults.truncate))),
      close: () => handle.close(),
    }
    return file
  }
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pbft-journal-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** The files of a sessions directory, without the session index the store keeps there. */
const listed = (at: string): string[] => readdirSync(at).filter((name) => name !== 'sessions.index')
const journalFiles = (at = dir): string[] => readdirSync(at).filter((name) => name.startsWith('journal-')).sort()
const read = (name: string, at = dir): string => readFileSync(join(at, name), 'utf8')

describe('Journal', () => {
  it('group-commits: appends that arrive during a sync share the next one, and each resolves only once it is synced', async () => {
    const disk = new Disk()
    disk.syncDelayMs = 10
    const journal = await Journal.open(dir, 1, { rotateBytes: 1 << 30, openFile: disk.open })
    const path = join(dir, journalFileName(1))
    const lines: string[] = []
    const appends: Promise<void>[] = []
    let end = 0
    // 20 clients each append 10 lines, one per event-loop turn: 200 appends over time.
    for (let turn = 0; turn < 10; turn++) {
      for (let client = 0; client < 20; client++) {
        const line = `{"client":${client},"turn":${turn},"pad":"${'x'.repeat(client * 7)}"}\n`
        lines.push(line)
        end += Buffer.byteLength(line)
        const mustBeSynced = end
        appends.push(journal.append(line).then(() => expect(disk.synced.get(path) ?? 0).toBeGreaterThanOrEqual(mustBeSynced)))
      }
      await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all(appends)
    // The first line's tick is one batch; everything after it piles up behind a sync or two.
    expect(disk.syncs).toBeGreaterThanOrEqual(1)
    expect(disk.syncs).toBeLessThanOrEqual(4)
    expect(read(journalFileName(1))).toBe(lines.join(''))
    await journal.close()
  })

  it('reports durability in append order, before the promise resolves', async () => {
    const journal = await Journal.open(dir, 1, { rotateBytes: 64 })
    const events: string[] = []
    const appends = Array.from({ length: 6 }, (_, i) =>
      journal
        .append(`{"i":${i},"pad":"${'y'.repeat(40)}"}\n`, { onDurable: (seq) => events.push(`durable ${i} in ${seq}`) })
        .then(() => events.push(`resolved ${i}`)),
    )
    await Promise.all(appends)
    const durable = events.filter((event) => event.startsWith('durable')).map((event) => Number(event.split(' ')[1]))
    expect(durable).toEqual([0, 1, 2, 3, 4, 5])
    for (let i = 0; i < 6; i++) expect(events.indexOf(`durable ${i} in 1`)).toBeLessThan(events.indexOf(`resolved ${i}`))
    await journal.close()
  })

  it('writes only the last line of a key within one batch, and resolves all of them with it', async () => {
    const disk = new Disk()
    disk.syncDelayMs = 10
    const journal = await Journal.open(dir, 1, { rotateBytes: 1 << 30, openFile: disk.open })
    const first = journal.append('{"first":true}\n', { key: 'a' })
    await sleep(1) // the first batch is syncing: the next lines form one batch
    const durable: string[] = []
    const appends = ['a1', 'b1', 'a2', 'c1', 'b2'].map((tag) =>
      journal.append(`{"tag":"${tag}"}\n`, { key: tag.charAt(0), onDurable: () => durable.push(tag) }),
    )
    await Promise.all([first, ...appends])
    expect(read(journalFileName(1))).toBe('{"first":true}\n{"tag":"a2"}\n{"tag":"c1"}\n{"tag":"b2"}\n')
    expect(durable).toEqual(['a1', 'b1', 'a2', 'c1', 'b2'])
    expect(disk.syncs).toBe(2)
    await journal.close()
  })

  it('rejects exactly the failed batch with NO_SPACE, cuts the partial line back, and goes on in the same file', async () => {
    const disk = new Disk()
    const journal = await Journal.open(dir, 1, { rotateBytes: 1 << 30, openFile: disk.open })
    await journal.append('{"n":1}\n')
    disk.faults.write = 'ENOSPC'
    const failed = [journal.append('{"n":2}\n'), journal.append('{"n":3}\n')].map((append) => append.catch((error: unknown) => error))
    const errors = await Promise.all(failed)
    for (const error of errors) {
      expect(error).toBeInstanceOf(StoreError)
      expect(error).toMatchObject({ code: 'NO_SPACE' })
      expect((error as StoreError).message).toContain(join(dir, journalFileName(1)))
    }
    expect(read(journalFileName(1))).toBe('{"n":1}\n')
    disk.faults.write = null
    await journal.append('{"n":4}\n')
    expect(journalFiles()).toEqual([journalFileName(1)])
    expect(read(journalFileName(1))).toBe('{"n":1}\n{"n":4}\n')
    await journal.close()
  })

  it('abandons a file it cannot cut back, so that the partial line stays the last line of its file', async () => {
    const disk = new Disk()
    const warnings: string[] = []
    const journal = await Journal.open(dir, 1, { rotateBytes: 1 << 30, openFile: disk.open, onWarning: (m) => warnings.push(m) })
    await journal.append('{"n":1}\n')
    disk.faults.write = 'EIO'
    disk.faults.truncate = 'EIO'
    await expect(journal.append('{"n":2,"pad":"zzzzzzzz"}\n')).rejects.toMatchObject({ name: 'StoreError', code: 'IO' })
    disk.faults.write = null
    disk.faults.truncate = null
    await journal.append('{"n":3}\n')
    expect(journalFiles()).toEqual([journalFileName(1), journalFileName(2)])
    expect(read(journalFileName(1))).toMatch(/^\{"n":1\}\n\{"n":2,[^\n]*$/)
    expect(read(journalFileName(2))).toBe('{"n":3}\n')
    expect(journal.retiredFiles).toEqual([1])
    expect(warnings.join('\n')).toContain('cannot cut')
    await journal.close()
  })

  it('gives up a file whose sync failed, deleting it if it held nothing acknowledged', async () => {
    const disk = new Disk()
    const journal = await Journal.open(dir, 1, { rotateBytes: 1 << 30, openFile: disk.open })
    disk.faults.sync = 'ENOSPC'
    await expect(journal.append('{"n":1}\n')).rejects.toMatchObject({ code: 'NO_SPACE' })
    disk.faults.sync = null
    await journal.append('{"n":2}\n')
    expect(journalFiles()).toEqual([journalFileName(2)])
    expect(journal.retiredFiles).toEqual([])
    await journal.close()
  })

  it('rotates full files, and deletes retired ones oldest first, only while they are covered', async () => {
    const journal = await Journal.open(dir, 5, { rotateBytes: 20 })
    for (let i = 0; i < 4; i++) await journal.append(`{"n":${i},"pad":"${'p'.repeat(20)}"}\n`)
    // The last full file is retired just after its append resolved.
    await vi.waitFor(() => expect(journal.retiredFiles).toEqual([5, 6, 7, 8]))
    // File 6 is not covered: 5 goes, 7 must stay although it is covered, since 6 is older.
    expect(await journal.dropRetired((seq) => seq !== 6)).toEqual([5])
    expect(journalFiles()).toEqual([6, 7, 8].map(journalFileName))
    expect(await journal.dropRetired(() => true)).toEqual([6, 7, 8])
    await journal.append('{"n":4}\n')
    expect(journalFiles()).toEqual([journalFileName(9)])
    await journal.close()
  })

  it('waits for queued appends on close, then refuses new ones', async () => {
    const journal = await Journal.open(dir, 1, { rotateBytes: 1 << 30 })
    const pending = journal.append('{"late":true}\n')
    await journal.close()
    await expect(pending).resolves.toBeUndefined()
    expect(read(journalFileName(1))).toBe('{"late":true}\n')
    await expect(journal.append('{}\n')).rejects.toBeInstanceOf(StoreError)
  })
})

describe('FileSessionStore with its journal', () => {
  const sessions = (): string => join(dir, 'sessions')
  const snapshot = (id: string): unknown => JSON.parse(read(`${id}.json`, sessions()))
  const stores: FileSessionStore[] = []
  const openStore = async (options: Parameters<typeof FileSessionStore.open>[1] = {}): Promise<FileSessionStore> => {
    const store = await FileSessionStore.open(dir, options)
    stores.push(store)
    return store
  }
  afterEach(async () => {
    // Crashed (abandoned) stores are closed too, after the test, so that no file stays open.
    for (const store of stores.splice(0)) await store.close().catch(() => undefined)
  })

  it('acknowledges a burst of saves with one or two fdatasyncs', async () => {
    const disk = new Disk()
    const store = await openStore({ openJournalFile: disk.open })
    const document = { v: 1, log: 'x'.repeat(20_000) }
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.saveSession(`s${i % 20}`, { ...document, i })))
    expect(disk.syncs).toBeGreaterThanOrEqual(1)
    expect(disk.syncs).toBeLessThanOrEqual(2)
  })

  it('recovers every acknowledged save after a crash (the store never closed)', async () => {
    // An hour's snapshot delay: the crashed store never writes a snapshot in this test.
    const crashed = await openStore({ snapshotDelayMs: 3_600_000 })
    await Promise.all([crashed.saveSession('a', { v: 1 }), crashed.saveSession('b', { v: 1 }), crashed.saveSession('gone', { v: 1 })])
    await Promise.all([crashed.saveSession('a', { v: 2 }), crashed.deleteSession('gone')])
    expect(listed(sessions())).toEqual([journalFileName(1)])

    const recovered = await openStore()
    expect(await recovered.loadSessions()).toEqual([{ v: 2 }, { v: 1 }])
    // Replayed into snapshots, and the old journal deleted; the new one continues the numbering.
    expect(listed(sessions()).sort()).toEqual(['a.json', 'b.json', journalFileName(2)])
    expect(recovered.warnings).toEqual([])
  })

  it('skips a torn last line with a warning and keeps every other record, also the one after a corrupt line', async () => {
    mkdirSync(sessions(), { recursive: true })
    writeFileSync(
      join(sessions(), journalFileName(3)),
      ['{"op":"put","id":"a","doc":{"v":1}}', 'garbage\u0000\u0000', '{"op":"put","id":"b","doc":{"v":1}}', '{"op":"put","id":"c","doc":{"v":'].join('\n'),
    )
    writeFileSync(join(sessions(), journalFileName(4)), '{"op":"put","id":"d","doc":{"v":1}}\n{"op":"put","id":"a","doc":{"v":2}}\n')
    const store = await openStore()
    expect(await store.loadSessions()).toEqual([{ v: 2 }, { v: 1 }, { v: 1 }])
    expect(store.warnings).toHaveLength(2)
    expect(store.warnings[0]).toContain(`line 2 of ${join(sessions(), journalFileName(3))}`)
    expect(store.warnings[1]).toContain(`torn last line of ${join(sessions(), journalFileName(3))}`)
    expect(journalFiles(sessions())).toEqual([journalFileName(5)])
  })

  it('replays a delete over an older snapshot, and a newer document over an older one', async () => {
    mkdirSync(sessions(), { recursive: true })
    writeFileSync(join(sessions(), 'old.json'), '{"v":1,"name":"old"}\n')
    writeFileSync(join(sessions(), 'kept.json'), '{"v":1}\n')
    writeFileSync(join(sessions(), journalFileName(1)), '{"op":"put","id":"kept","doc":{"v":2}}\n{"op":"delete","id":"old"}\n')
    const store = await openStore()
    expect(await store.loadSessions()).toEqual([{ v: 2 }])
    expect(existsSync(join(sessions(), 'old.json'))).toBe(false)
    expect(snapshot('kept')).toEqual({ v: 2 })
  })

  it('rotates a tiny journal and compacts it away in the background: few files, snapshots equal to the latest documents', async () => {
    const store = await openStore({ journalBytes: 300, snapshotDelayMs: 5 })
    const latest = new Map<string, unknown>()
    for (let round = 0; round < 30; round++) {
      const saves = Array.from({ length: 5 }, (_, i) => {
        const document = { v: 1, id: `s${i}`, round }
        latest.set(`s${i}`, document)
        return store.saveSession(`s${i}`, document)
      })
      if (round % 7 === 3) saves.push(store.deleteSession('s4'))
      if (round % 7 === 3) latest.delete('s4')
      await Promise.all(saves)
    }
    await vi.waitFor(
      () => {
        expect(journalFiles(sessions()).length).toBeLessThanOrEqual(2)
        for (const [id, document] of latest) expect(snapshot(id)).toEqual(document)
      },
      { timeout: 5000, interval: 20 },
    )
    expect(await store.loadSessions()).toEqual([...latest.values()])
    await store.close()
    const current = listed(sessions()).filter((name) => !name.endsWith('.prev.json'))
    expect(current.sort()).toEqual([...latest.keys()].map((id) => `${id}.json`).sort())
    const reopened = await openStore()
    expect(await reopened.loadSessions()).toEqual([...latest.values()])
  })

  it('rejects the saves of a failed append with NO_SPACE; later saves work and recovery has exactly the acknowledged ones', async () => {
    const disk = new Disk()
    const store = await openStore({ openJournalFile: disk.open, snapshotDelayMs: 3_600_000 })
    await store.saveSession('a', { v: 1 })
    disk.faults.write = 'ENOSPC'
    const failing = [store.saveSession('a', { v: 2 }), store.saveSession('b', { v: 1 })]
    for (const save of failing) {
      const error = (await save.catch((e: unknown) => e)) as StoreError
      expect(error).toBeInstanceOf(StoreError)
      expect(error.code).toBe('NO_SPACE')
      expect(error.message).toContain(join(sessions(), journalFileName(1)))
    }
    // Space is freed: the next saves succeed.
    disk.faults.write = null
    await store.saveSession('c', { v: 1 })
    expect(await store.loadSessions()).toEqual([{ v: 1 }, { v: 1 }])

    // Crash and recover: the rejected saves are not there, the others are, nothing is torn.
    const recovered = await openStore()
    const documents = (await recovered.loadSessions()) as { v: number }[]
    expect(readdirSync(sessions()).filter((name) => name.endsWith('.json')).sort()).toEqual(['a.json', 'c.json'])
    expect(documents).toEqual([{ v: 1 }, { v: 1 }])
    expect(recovered.warnings).toEqual([])
  })

  it('writes a failed save’s parts again with the next save, which recovery then finds whole', async () => {
    const disk = new Disk()
    const store = await openStore({ openJournalFile: disk.open, snapshotDelayMs: 3_600_000 })
    const rounds = [1, 2].map((key) => ({ key, json: JSON.stringify({ round: key, log: 'x'.repeat(500) }) }))
    disk.faults.write = 'ENOSPC'
    await expect(store.saveSession('s', new SerialisedDocument('{"v":1}', { rounds }))).rejects.toMatchObject({ code: 'NO_SPACE' })
    disk.faults.write = null
    const saved = new SerialisedDocument('{"v":2}', { rounds })
    await store.saveSession('s', saved)
    const recovered = await openStore()
    expect(await recovered.loadSessions()).toEqual([JSON.parse(saved.json)])
    expect(recovered.warnings).toEqual([])
  })

  it('recovers the saves after an append it could not cut back: the torn line is skipped, the next file replayed', async () => {
    const disk = new Disk()
    const store = await openStore({ openJournalFile: disk.open, snapshotDelayMs: 3_600_000 })
    await store.saveSession('a', { v: 1 })
    disk.faults.write = 'EIO'
    disk.faults.truncate = 'EIO'
    await expect(store.saveSession('a', { v: 2, note: 'never acknowledged' })).rejects.toMatchObject({ code: 'IO' })
    disk.faults.write = null
    disk.faults.truncate = null
    await store.saveSession('b', { v: 1 })
    await store.saveSession('a', { v: 3 })
    expect(journalFiles(sessions())).toEqual([journalFileName(1), journalFileName(2)])

    const recovered = await openStore()
    expect(await recovered.loadSessions()).toEqual([{ v: 3 }, { v: 1 }])
    expect(recovered.warnings).toHaveLength(1)
    expect(recovered.warnings[0]).toContain(`torn last line of ${join(sessions(), journalFileName(1))}`)
  })

  it('a background snapshot that fails rejects no save, keeps the journal, warns, and is retried', async () => {
    const onWarning = vi.fn()
    const store = await openStore({ onWarning, snapshotDelayMs: 3_600_000 })
    // A directory where the snapshot file should go: its rename fails.
    // (and where its previous generation would go: a non-empty directory, so that moving it there fails too)
    mkdirSync(join(sessions(), 'blocked.json'))
    mkdirSync(join(sessions(), 'blocked.prev.json', 'x'), { recursive: true })
    await expect(store.saveSession('blocked', { v: 1 })).resolves.toBeUndefined()
    await expect(store.saveSession('fine', { v: 1 })).resolves.toBeUndefined()
    await store.flushSnapshots()
    expect(onWarning).toHaveBeenCalledTimes(1)
    expect(String(onWarning.mock.calls[0]?.[0])).toContain(join(sessions(), 'blocked.json'))
    expect(store.warnings).toHaveLength(1)
    expect(snapshot('fine')).toEqual({ v: 1 })
    expect(await store.loadSessions()).toEqual([{ v: 1 }, { v: 1 }])
    await expect(store.saveSession('blocked', { v: 2 })).resolves.toBeUndefined()

    // Closing cannot write it either: the journal stays, and nothing is lost.
    await store.close()
    expect(journalFiles(sessions())).toEqual([journalFileName(1)])
    expect(read(journalFileName(1), sessions())).toContain('{"op":"put","id":"blocked","doc":{"v":2}}')

    // The obstacle is gone: the next open replays the journal into the snapshot.
    rmdirSync(join(sessions(), 'blocked.json'))
    rmSync(join(sessions(), 'blocked.prev.json'), { recursive: true })
    const reopened = await openStore()
    expect(snapshot('blocked')).toEqual({ v: 2 })
    expect(await reopened.loadSessions()).toEqual([{ v: 2 }, { v: 1 }])
  })

  it('retries a failed snapshot in the background and then deletes the journal it kept', async () => {
    const store = await openStore({ journalBytes: 1, snapshotDelayMs: 5 })
    // (and where its previous generation would go: a non-empty directory, so that moving it there fails too)
    mkdirSync(join(sessions(), 'blocked.json'))
    mkdirSync(join(sessions(), 'blocked.prev.json', 'x'), { recursive: true })
    await store.saveSession('blocked', { v: 1 })
    await vi.waitFor(() => expect(store.warnings.length).toBeGreaterThan(0), { timeout: 2000, interval: 5 })
    expect(journalFiles(sessions())).toEqual([journalFileName(1)])
    rmdirSync(join(sessions(), 'blocked.json'))
    rmSync(join(sessions(), 'blocked.prev.json'), { recursive: true })
    await vi.waitFor(
      () => {
        expect(snapshot('blocked')).toEqual({ v: 1 })
        expect(journalFiles(sessions())).toEqual([])
      },
      { timeout: 5000, interval: 10 },
    )
  })

  it('waits for pending session saves on close, writes their snapshots, and leaves no journal', async () => {
    const store = await openStore({ snapshotDelayMs: 3_600_000 })
    const pending = [store.saveSession('a', { v: 1 }), store.deleteSession('b'), store.saveSession('c', { v: 1 })]
    await store.close()
    await expect(Promise.all(pending)).resolves.toHaveLength(3)
    expect(listed(sessions()).sort()).toEqual(['a.json', 'c.json'])
    await expect(store.saveSession('d', {})).rejects.toBeInstanceOf(StoreError)
  })
})

describe('the default journal file', () => {
  it.runIf(existsSync('/proc/self/fdinfo') && fsConstants.O_DSYNC !== undefined)(
    'is opened for appending with O_DSYNC, so a write returns once durable and the separate sync is free',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pbft-journal-flags-'))
      const path = join(dir, journalFileName(1))
      const handle = await openJournalFile(path)
      try {
        const fd = readdirSync('/proc/self/fd').find((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`) === path
          } catch {
            return false
          }
        })
        expect(fd).toBeDefined()
        const flags = parseInt(/flags:\s*(\d+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '0', 8)
        expect(flags & fsConstants.O_DSYNC).toBe(fsConstants.O_DSYNC)
        expect(flags & fsConstants.O_APPEND).toBe(fsConstants.O_APPEND)
        await handle.write(Buffer.from('x\n'), 0, 2)
        await handle.datasync()
        expect(readFileSync(path, 'utf8')).toBe('x\n')
        await expect(openJournalFile(path)).rejects.toMatchObject({ code: 'EEXIST' })
      } finally {
        await handle.close()
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )
})
