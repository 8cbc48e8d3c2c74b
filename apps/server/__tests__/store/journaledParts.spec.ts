import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileSessionStore } from '../../src/store/fileSessionStore'
import { journalFileName } from '../../src/store/journal'
import { replayJournal, type JournalRecord } from '../../src/store/journalRecords'
import { SerialisedDocument, type SerialisedPart } from '../../src/store/sessionStore'

/** A history round of ~5 KB, like a finished round's action log. */
const round = (key: number): SerialisedPart => ({ key, json: JSON.stringify({ round: key, log: `r${key}-`.repeat(1000) }) })
/** Seats under key `key` (100 + the number of seats claimed, say). */
const seats = (key: number): SerialisedPart => ({ key, json: JSON.stringify(Array.from({ length: 4 }, (_, id) => ({ id, claimed: id < key - 100 }))) })
const document = (v: number, keys: number[], seatsKey = 100): SerialisedDocument =>
  new SerialisedDocument(JSON.stringify({ v, current: { acts: v } }), { seats: seats(seatsKey), rounds: keys.map(round) })
const whole = (doc: SerialisedDocument): unknown => JSON.parse(doc.json)

let dir: string
const stores: FileSessionStore[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pbft-rounds-'))
})
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
})

const sessions = (): string => join(dir, 'sessions')
const journals = (): string[] => readdirSync(sessions()).filter((name) => name.startsWith('journal-')).sort()
const lines = (name: string): { op: string; id: string; key?: number; parts?: { seats: number; rounds: number[] } }[] =>
  readFileSync(join(sessions(), name), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { op: string; id: string; key?: number; parts?: { seats: number; rounds: number[] } })
const openStore = async (options: Parameters<typeof FileSessionStore.open>[1] = {}): Promise<FileSessionStore> => {
  // An hour's snapshot delay: no snapshot is written, the journal alone must hold everything.
  const store = await FileSessionStore.open(dir, { snapshotDelayMs: 3_600_000, ...options })
  stores.push(store)
  return store
}

describe('a session’s seats and history in the journal', () => {
  it('writes each part once per journal file, and a crash recovers the whole documents', async () => {
    const crashed = await openStore()
    for (let v = 1; v <= 10; v++) await crashed.saveSession('s', document(v, [1, 2, 3], v < 6 ? 100 : 101))
    const last = document(11, [2, 3, 4], 101)
    await crashed.saveSession('s', last)
    await crashed.saveSession('t', document(1, [5]))

    const [file] = journals()
    const records = lines(file ?? '')
    expect(records.filter((r) => r.op === 'part').map((r) => `${r.id}:${r.key}`)).toEqual(['s:100', 's:1', 's:2', 's:3', 's:101', 's:4', 't:100', 't:5'])
    expect(records.filter((r) => r.op === 'put').map((r) => r.parts)).toEqual([
      ...Array(5).fill({ seats: 100, rounds: [1, 2, 3] }),
      ...Array(5).fill({ seats: 101, rounds: [1, 2, 3] }),
      { seats: 101, rounds: [2, 3, 4] },
      { seats: 100, rounds: [5] },
    ])
    // Eleven saves of a ~15 KB history cost about one history, not eleven.
    expect(readFileSync(join(sessions(), file ?? ''), 'utf8').length).toBeLessThan(2 * last.json.length)

    const recovered = await openStore()
    expect(await recovered.loadSessions()).toEqual([whole(last), whole(document(1, [5]))])
    expect(recovered.warnings).toEqual([])
  })

  it('writes the parts again in every new file, so that each file replays on its own', async () => {
    // Every save fills a file: each lands in a new one.
    const crashed = await openStore({ journalBytes: 100 })
    for (let v = 1; v <= 4; v++) await crashed.saveSession('s', document(v, [1, 2]))
    expect(journals()).toHaveLength(4)
    for (const name of journals()) {
      const state = new Map<string, JournalRecord>()
      const warnings: string[] = []
      replayJournal(readFileSync(join(sessions(), name), 'utf8'), name, state, (message) => warnings.push(message))
      expect(warnings, name).toEqual([])
      expect(state.get('s')).toMatchObject({ op: 'put', doc: { seats: [{ id: 0 }, { id: 1 }, { id: 2 }, { id: 3 }], rounds: [{ round: 1 }, { round: 2 }] } })
    }
    const recovered = await openStore()
    expect(await recovered.loadSessions()).toEqual([whole(document(4, [1, 2]))])
  })

  it('notes nothing for a save its batch superseded: the next save still has its parts', async () => {
    const store = await openStore()
    // One batch: only the last save of the id is written (with rounds 1 and 2); the first,
    // which would have written round 9, is superseded.
    await Promise.all([store.saveSession('s', document(1, [9])), store.saveSession('s', document(2, [1, 2]))])
    await store.saveSession('s', document(3, [1, 2, 9]))
    const records = lines(journals()[0] ?? '')
    expect(records.filter((r) => r.op === 'part').map((r) => r.key)).toEqual([100, 1, 2, 9])
    const recovered = await openStore()
    expect(await recovered.loadSessions()).toEqual([whole(document(3, [1, 2, 9]))])
  })

  it('skips, with a warning, a put naming a part its file does not hold, keeping the record before it', async () => {
    mkdirSync(sessions(), { recursive: true })
    writeFileSync(
      join(sessions(), journalFileName(1)),
      [
        '{"op":"part","id":"s","key":1,"value":{"round":1}}',
        '{"op":"part","id":"s","key":3,"value":[{"id":0}]}',
        '{"op":"put","id":"s","doc":{"v":1},"parts":{"seats":3,"rounds":[1]}}',
        '{"op":"part","id":"other","key":2,"value":{"round":2}}',
        '{"op":"put","id":"s","doc":{"v":2},"parts":{"seats":3,"rounds":[1,2]}}',
        '{"op":"put","id":"s","doc":{"v":3},"parts":{"seats":4,"rounds":[]}}',
        '{"op":"put","id":"s","doc":[],"parts":{"rounds":[1]}}',
        '{"op":"put","id":"s","doc":{"v":4},"parts":{"rounds":["1"]}}',
        '',
      ].join('\n'),
    )
    const store = await openStore()
    expect(await store.loadSessions()).toEqual([{ v: 1, seats: [{ id: 0 }], rounds: [{ round: 1 }] }])
    expect(store.warnings).toHaveLength(4)
    expect(store.warnings[0]).toMatch(/line 5 .*its parts 2 are not in the file/)
    expect(store.warnings[1]).toMatch(/line 6 .*its parts 4 are not in the file/)
    expect(store.warnings[2]).toMatch(/line 7 .*not a journal record/)
    expect(store.warnings[3]).toMatch(/line 8 .*not a journal record/)
  })
})
