import { readdir, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { serialise } from './coalescingQueue'
import { errnoOf, removeFile, storeError, syncDirectory, writeAtomically } from './durableFiles'
import { listJournalFiles } from './journal'
import { replayJournal, type JournalRecord } from './journalRecords'
import { previousGeneration } from './sessionSnapshots'

export const DOCUMENT_FILE = /^([A-Za-z0-9_-]{1,64})\.json$/
/** The snapshot a session's current one replaced (see SessionSnapshots). */
export const PREVIOUS_FILE = /^([A-Za-z0-9_-]{1,64})\.prev\.json$/
/** Snapshot files written at once during recovery. */
const RECOVERY_WRITES = 8

/**
 * Puts the journals a previous run left (a crash, or a close whose snapshots failed) into the
 * snapshot files, then deletes them. The surviving journals hold only records at least as new
 * as the snapshots (see Journal.dropRetired), so replaying them in order over the snapshots,
 * latest record per id winning, gives the state of the last acknowledged saves. Returns the
 * next journal number and the records replayed (the index learns from them).
 */
export async function recoverJournals(dir: string, warn: (message: string) => void): Promise<{ nextSeq: number; recovered: JournalRecord[] }> {
  const files = await listJournalFiles(dir)
  const state = new Map<string, JournalRecord>()
  for (const file of files) {
    let text: string
    try {
      text = await readFile(file.path, 'utf8')
    } catch (error) {
      // Starting without it would silently drop acknowledged saves.
      throw storeError(error, 'read the journal', file.path)
    }
    replayJournal(text, file.path, state, warn)
  }
  const records = [...state.values()]
  for (let start = 0; start < records.length; start += RECOVERY_WRITES) {
    await Promise.all(
      records.slice(start, start + RECOVERY_WRITES).map((record) => {
        const path = join(dir, `${record.id}.json`)
        if (record.op === 'put') return writeAtomically(dir, path, `${serialise(record.doc)}\n`)
        return removeFile(dir, path).then(() => removeFile(dir, previousGeneration(path)))
      }),
    )
  }
  // Oldest first: if this is interrupted, the files left are the newest, still safe to replay.
  for (const file of files) {
    try {
      await unlink(file.path)
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw storeError(error, 'delete the replayed journal', file.path)
    }
  }
  if (files.length > 0) await syncDirectory(dir)
  return { nextSeq: (files.at(-1)?.seq ?? 0) + 1, recovered: records }
}

/** The ids of the session snapshots in `dir`: `<id>.json`, or only its previous generation. */
export async function sessionFileIds(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    throw storeError(error, 'list', dir)
  }
  const ids = new Set<string>()
  for (const name of names) {
    const id = DOCUMENT_FILE.exec(name)?.[1] ?? PREVIOUS_FILE.exec(name)?.[1]
    if (id !== undefined) ids.add(id)
  }
  return [...ids].sort()
}

export async function readDocument(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown
}

/**
 * Session `id`'s snapshot, or null when it has none that can be read. A damaged `<id>.json`
 * (cut short, emptied, not JSON) is moved aside as `<id>.json.damaged-<time>` and its previous
 * generation `<id>.prev.json` is read instead; either way `problem` is told, for people (and
 * `/api/health`). A previous generation alone (a crash between the two renames of a snapshot)
 * is read as it is.
 */
export async function readSessionFile(dir: string, id: string, problem: (message: string) => void): Promise<unknown> {
  const path = join(dir, `${id}.json`)
  const previous = previousGeneration(path)
  let reason: string
  try {
    return await readDocument(path)
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return readDocument(previous).catch(() => null)
    reason = error instanceof Error ? error.message : String(error)
  }
  const aside = `${path}.damaged-${Date.now()}`
  await rename(path, aside).catch(() => undefined)
  try {
    const document = await readDocument(previous)
    problem(`session ${id}: ${path} was damaged (${reason}); moved to ${aside}, the previous snapshot ${previous} was loaded instead (its latest changes may be missing)`)
    return document
  } catch {
    problem(`session ${id}: ${path} was damaged (${reason}) and has no readable previous snapshot; moved to ${aside}, the session is not loaded`)
    return null
  }
}
