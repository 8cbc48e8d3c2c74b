import { DOCUMENT_ID } from './documentId'

/**
 * The session journal's lines: one JSON object per saved or deleted session,
 *
 *   {"op":"put","id":"<id>","doc":<the document>}
 *   {"op":"delete","id":"<id>"}
 *
 * and the later line of an id replaces the earlier ones. Plain JSON so that people can read a
 * journal with `tail` or `jq`; a torn line (a crash in the middle of an append) is simply not
 * valid JSON.
 */
export type JournalRecord = { op: 'put'; id: string; doc: unknown } | { op: 'delete'; id: string }

/** `data` is the document's JSON.stringify text, which has no raw newline: the record stays one line. */
export function putRecord(id: string, data: string): string {
  return `{"op":"put","id":${JSON.stringify(id)},"doc":${data}}\n`
}

export function deleteRecord(id: string): string {
  return `{"op":"delete","id":${JSON.stringify(id)}}\n`
}

function asRecord(value: unknown): JournalRecord | null {
  if (typeof value !== 'object' || value === null) return null
  const { op, id } = value as { op?: unknown; id?: unknown }
  if (typeof id !== 'string' || !DOCUMENT_ID.test(id)) return null
  if (op === 'delete') return { op, id }
  if (op === 'put' && 'doc' in value && value.doc !== undefined) return { op, id, doc: value.doc }
  return null
}

/**
 * Applies the records of one journal file (`text`, read from `path`) to `state`, in order: the
 * latest record of each id wins. A line that is not a whole record is reported and skipped;
 * one without its final newline is an append a crash interrupted — never acknowledged, since an
 * append is acknowledged only once all of it is synced.
 */
export function replayJournal(text: string, path: string, state: Map<string, JournalRecord>, warn: (message: string) => void): void {
  const lines = text.split('\n')
  const last = lines.length - 1
  for (const [index, line] of lines.entries()) {
    if (index === last) {
      if (line !== '') warn(`skipped the torn last line of ${path} (an append interrupted by a crash; never acknowledged)`)
      break
    }
    let record: JournalRecord | null = null
    let reason = 'not a journal record'
    try {
      record = asRecord(JSON.parse(line))
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error)
    }
    if (record) state.set(record.id, record)
    else warn(`skipped line ${index + 1} of ${path}: ${reason}`)
  }
}
