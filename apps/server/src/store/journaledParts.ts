import type { JournalLine } from './journal'
import { partRecord, putRecord, putWithPartsRecord, type PartRefs } from './journalRecords'
import { isList, type SerialisedDocument } from './sessionStore'

/** What the journal gets for one save: the line, and what to note once it is durable. */
export interface JournalSave {
  line: JournalLine
  onDurable: (seq: number) => void
}

/**
 * Which parts of each session's document (its seats, its history rounds) the current journal
 * file already holds, so that a save writes only the parts it does not (see journalRecords.ts):
 * a part goes into each journal file once, and every put in that file names it by key.
 *
 * Only what was written and is durable counts: the line is rendered when its batch is
 * written (a superseded save renders nothing), and noted on `onDurable`. A batch that failed
 * is rendered again, whole, in the next one.
 */
export class JournaledParts {
  private readonly files = new Map<string, { seq: number; keys: Set<number> }>()

  save(id: string, document: SerialisedDocument): JournalSave {
    const members = Object.entries(document.parts)
    if (members.length === 0) return { line: putRecord(id, document.fields), onDurable: () => undefined }
    const parts = members.flatMap(([, member]) => (isList(member) ? member : [member]))
    const refs: PartRefs = Object.fromEntries(members.map(([name, member]) => [name, isList(member) ? member.map((part) => part.key) : member.key]))
    let rendered: { seq: number; keys: number[] } | null = null
    const line = (seq: number): string => {
      const held = this.files.get(id)
      const inFile = held?.seq === seq ? held.keys : null
      const added: number[] = []
      let text = ''
      for (const part of parts) {
        if (inFile?.has(part.key)) continue
        text += partRecord(id, part)
        added.push(part.key)
      }
      rendered = { seq, keys: added }
      return text + putWithPartsRecord(id, document.fields, refs)
    }
    const onDurable = (seq: number): void => {
      if (rendered === null || rendered.seq !== seq) return
      let held = this.files.get(id)
      if (held?.seq !== seq) this.files.set(id, (held = { seq, keys: new Set() }))
      for (const key of rendered.keys) held.keys.add(key)
      // Parts the document no longer has (old seats, rounds out of the history) are never named again.
      if (held.keys.size > parts.length) {
        const current = new Set(parts.map((part) => part.key))
        for (const key of held.keys) if (!current.has(key)) held.keys.delete(key)
      }
    }
    return { line, onDurable }
  }

  /** The session was deleted. */
  forget(id: string): void {
    this.files.delete(id)
  }
}
