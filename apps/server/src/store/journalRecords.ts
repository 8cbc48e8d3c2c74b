import { DOCUMENT_ID } from './documentId'
import type { SerialisedRound } from './sessionStore'

/**
 * The session journal's lines: one JSON object per saved or deleted session,
 *
 *   {"op":"put","id":"<id>","doc":<the document>}
 *   {"op":"delete","id":"<id>"}
 *
 * and the later line of an id replaces the earlier ones. A session's history travels apart,
 * each round once per journal file, and the put names the rounds its document ends with:
 *
 *   {"op":"round","id":"<id>","key":17,"round":<the round>}
 *   {"op":"put","id":"<id>","doc":<the document without rounds>,"rounds":[15,16,17]}
 *
 * so an act at N = 100 late in a class writes its ~20 KB of seats and running round, not the
 * ~1 MB of a 100-round history. A file is read on its own: a put's rounds are in the same file.
 *
 * Plain JSON so that people can read a journal with `tail` or `jq`; a torn line (a crash in the
 * middle of an append) is simply not valid JSON.
 */
export type JournalRecord = { op: 'put'; id: string; doc: unknown } | { op: 'delete'; id: string }

/** `data` is the document's JSON.stringify text, which has no raw newline: the record stays one line. */
export function putRecord(id: string, data: string): string {
  return `{"op":"put","id":${JSON.stringify(id)},"doc":${data}}\n`
}

/** A put whose document is `fields` plus the rounds of keys `roundKeys`, each written before in the same file. */
export function putWithRoundsRecord(id: string, fields: string, roundKeys: readonly number[]): string {
  return `{"op":"put","id":${JSON.stringify(id)},"doc":${fields},"rounds":[${roundKeys.join(',')}]}\n`
}

export function roundRecord(id: string, round: SerialisedRound): string {
  return `{"op":"round","id":${JSON.stringify(id)},"key":${round.key},"round":${round.json}}\n`
}

export function deleteRecord(id: string): string {
  return `{"op":"delete","id":${JSON.stringify(id)}}\n`
}

/** A line, parsed: a record, a history round, or why it is neither. */
type Line =
  | { kind: 'record'; record: JournalRecord }
  | { kind: 'round'; id: string; key: number; round: unknown }
  | { kind: 'put-with-rounds'; id: string; fields: object; keys: number[] }
  | { kind: 'invalid'; reason: string }

const NOT_A_RECORD: Line = { kind: 'invalid', reason: 'not a journal record' }

function parseLine(line: string): Line {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (error) {
    return { kind: 'invalid', reason: error instanceof Error ? error.message : String(error) }
  }
  if (typeof value !== 'object' || value === null) return NOT_A_RECORD
  const { op, id, doc, rounds, key, round } = value as Record<string, unknown>
  if (typeof id !== 'string' || !DOCUMENT_ID.test(id)) return NOT_A_RECORD
  if (op === 'delete') return { kind: 'record', record: { op, id } }
  if (op === 'round') return Number.isSafeInteger(key) && round !== undefined ? { kind: 'round', id, key: key as number, round } : NOT_A_RECORD
  if (op !== 'put' || doc === undefined) return NOT_A_RECORD
  if (rounds === undefined) return { kind: 'record', record: { op, id, doc } }
  const keys = Array.isArray(rounds) && rounds.every((k) => Number.isSafeInteger(k)) ? (rounds as number[]) : null
  if (keys === null || typeof doc !== 'object' || doc === null || Array.isArray(doc)) return NOT_A_RECORD
  return { kind: 'put-with-rounds', id, fields: doc, keys }
}

/**
 * Applies the records of one journal file (`text`, read from `path`) to `state`, in order: the
 * latest record of each id wins. A line that is not a whole record is reported and skipped, and
 * so is a put naming a round the file does not hold; a line without its final newline is an
 * append a crash interrupted — never acknowledged, since an append is acknowledged only once
 * all of it is synced.
 */
export function replayJournal(text: string, path: string, state: Map<string, JournalRecord>, warn: (message: string) => void): void {
  const lines = text.split('\n')
  const last = lines.length - 1
  /** This file's history rounds, per session and key. */
  const rounds = new Map<string, Map<number, unknown>>()
  for (const [index, line] of lines.entries()) {
    if (index === last) {
      if (line !== '') warn(`skipped the torn last line of ${path} (an append interrupted by a crash; never acknowledged)`)
      break
    }
    const parsed = parseLine(line)
    switch (parsed.kind) {
      case 'record':
        state.set(parsed.record.id, parsed.record)
        break
      case 'round': {
        let ofSession = rounds.get(parsed.id)
        if (!ofSession) rounds.set(parsed.id, (ofSession = new Map()))
        ofSession.set(parsed.key, parsed.round)
        break
      }
      case 'put-with-rounds': {
        const history = parsed.keys.map((key) => rounds.get(parsed.id)?.get(key))
        const missing = parsed.keys.filter((_, i) => history[i] === undefined)
        if (missing.length > 0) warn(`skipped line ${index + 1} of ${path}: its rounds ${missing.join(', ')} are not in the file`)
        else state.set(parsed.id, { op: 'put', id: parsed.id, doc: { ...parsed.fields, rounds: history } })
        break
      }
      case 'invalid':
        warn(`skipped line ${index + 1} of ${path}: ${parsed.reason}`)
    }
  }
}
