import { DOCUMENT_ID } from './documentId'
import type { SerialisedPart } from './sessionStore'

/**
 * The session journal's lines: one JSON object per saved or deleted session,
 *
 *   {"op":"put","id":"<id>","doc":<the document>}
 *   {"op":"delete","id":"<id>"}
 *
 * and the later line of an id replaces the earlier ones. The members of a session that rarely
 * or never change (its seats, each round of its history) travel apart, each once per journal
 * file, and a put names the parts its document ends with, by key:
 *
 *   {"op":"part","id":"<id>","key":17,"value":<a round>}
 *   {"op":"put","id":"<id>","doc":<the other members>,"parts":{"seats":12,"rounds":[15,16,17]}}
 *
 * so an act at N = 100 late in a class writes its running round (a few KB), not ~16 KB of
 * seats and ~1 MB of history. A file is read on its own: a put's parts are in the same file.
 *
 * Plain JSON so that people can read a journal with `tail` or `jq`; a torn line (a crash in the
 * middle of an append) is simply not valid JSON.
 */
export type JournalRecord = { op: 'put'; id: string; doc: unknown } | { op: 'delete'; id: string }

/** How a put names its parts: one key per member, or a list of keys. */
export type PartRefs = Record<string, number | number[]>

/** `data` is the document's JSON.stringify text, which has no raw newline: the record stays one line. */
export function putRecord(id: string, data: string): string {
  return `{"op":"put","id":${JSON.stringify(id)},"doc":${data}}\n`
}

/** A put whose document is `fields` plus the members `parts` names, each part written before in the same file. */
export function putWithPartsRecord(id: string, fields: string, parts: PartRefs): string {
  return `{"op":"put","id":${JSON.stringify(id)},"doc":${fields},"parts":${JSON.stringify(parts)}}\n`
}

export function partRecord(id: string, part: SerialisedPart): string {
  return `{"op":"part","id":${JSON.stringify(id)},"key":${part.key},"value":${part.json}}\n`
}

export function deleteRecord(id: string): string {
  return `{"op":"delete","id":${JSON.stringify(id)}}\n`
}

/** A line, parsed: a record, a part, or why it is neither. */
type Line =
  | { kind: 'record'; record: JournalRecord }
  | { kind: 'part'; id: string; key: number; value: unknown }
  | { kind: 'put-with-parts'; id: string; fields: object; parts: PartRefs }
  | { kind: 'invalid'; reason: string }

const NOT_A_RECORD: Line = { kind: 'invalid', reason: 'not a journal record' }

const isKey = (value: unknown): value is number => Number.isSafeInteger(value)
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function partRefs(value: unknown): PartRefs | null {
  if (!isObject(value)) return null
  for (const ref of Object.values(value)) if (!isKey(ref) && !(Array.isArray(ref) && ref.every(isKey))) return null
  return value as PartRefs
}

function parseLine(line: string): Line {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (error) {
    return { kind: 'invalid', reason: error instanceof Error ? error.message : String(error) }
  }
  if (!isObject(value)) return NOT_A_RECORD
  const { op, id, doc, parts, key } = value
  if (typeof id !== 'string' || !DOCUMENT_ID.test(id)) return NOT_A_RECORD
  if (op === 'delete') return { kind: 'record', record: { op, id } }
  if (op === 'part') return isKey(key) && value.value !== undefined ? { kind: 'part', id, key, value: value.value } : NOT_A_RECORD
  if (op !== 'put' || doc === undefined) return NOT_A_RECORD
  if (parts === undefined) return { kind: 'record', record: { op, id, doc } }
  const refs = partRefs(parts)
  return refs && isObject(doc) ? { kind: 'put-with-parts', id, fields: doc, parts: refs } : NOT_A_RECORD
}

/** The document a put-with-parts names, or the keys of the parts `held` lacks. */
function assemble(fields: object, refs: PartRefs, held: Map<number, unknown> | undefined): { doc: object } | { missing: number[] } {
  const missing: number[] = []
  const get = (key: number): unknown => {
    const part = held?.get(key)
    if (part === undefined) missing.push(key)
    return part
  }
  const doc: Record<string, unknown> = { ...fields }
  for (const [name, ref] of Object.entries(refs)) doc[name] = Array.isArray(ref) ? ref.map(get) : get(ref)
  return missing.length > 0 ? { missing } : { doc }
}

/**
 * Applies the records of one journal file (`text`, read from `path`) to `state`, in order: the
 * latest record of each id wins. A line that is not a whole record is reported and skipped, and
 * so is a put naming a part the file does not hold; a line without its final newline is an
 * append a crash interrupted — never acknowledged, since an append is acknowledged only once
 * all of it is synced.
 */
export function replayJournal(text: string, path: string, state: Map<string, JournalRecord>, warn: (message: string) => void): void {
  const lines = text.split('\n')
  const last = lines.length - 1
  /** This file's parts, per session and key. */
  const parts = new Map<string, Map<number, unknown>>()
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
      case 'part': {
        let ofSession = parts.get(parsed.id)
        if (!ofSession) parts.set(parsed.id, (ofSession = new Map()))
        ofSession.set(parsed.key, parsed.value)
        break
      }
      case 'put-with-parts': {
        const assembled = assemble(parsed.fields, parsed.parts, parts.get(parsed.id))
        if ('missing' in assembled) warn(`skipped line ${index + 1} of ${path}: its parts ${assembled.missing.join(', ')} are not in the file`)
        else state.set(parsed.id, { op: 'put', id: parsed.id, doc: assembled.doc })
        break
      }
      case 'invalid':
        warn(`skipped line ${index + 1} of ${path}: ${parsed.reason}`)
    }
  }
}
