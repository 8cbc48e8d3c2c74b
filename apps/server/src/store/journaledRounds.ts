import type { JournalLine } from './journal'
import { putRecord, putWithRoundsRecord, roundRecord } from './journalRecords'
import type { SerialisedDocument } from './sessionStore'

/** What the journal gets for one save: the line, and what to note once it is durable. */
export interface JournalSave {
  line: JournalLine
  onDurable: (seq: number) => void
}

/**
 * Which history rounds of each session the current journal file already holds, so that a
 * save writes only the rounds it does not (see journalRecords.ts): a round goes into each
 * journal file once, and every put in that file names it by key.
 *
 * Only what was written and is durable counts: the line is rendered when its batch is
 * written (a superseded save renders nothing), and noted on `onDurable`. A batch that failed
 * is rendered again, whole, in the next one.
 */
export class JournaledRounds {
  private readonly files = new Map<string, { seq: number; keys: Set<number> }>()

  save(id: string, document: SerialisedDocument): JournalSave {
    const rounds = document.rounds
    if (rounds === undefined) return { line: putRecord(id, document.fields), onDurable: () => undefined }
    let rendered: { seq: number; keys: number[] } | null = null
    const line = (seq: number): string => {
      const held = this.files.get(id)
      const inFile = held?.seq === seq ? held.keys : null
      const added: number[] = []
      let text = ''
      for (const round of rounds) {
        if (inFile?.has(round.key)) continue
        text += roundRecord(id, round)
        added.push(round.key)
      }
      rendered = { seq, keys: added }
      return (
        text +
        putWithRoundsRecord(
          id,
          document.fields,
          rounds.map((round) => round.key),
        )
      )
    }
    const onDurable = (seq: number): void => {
      if (rendered === null || rendered.seq !== seq) return
      let held = this.files.get(id)
      if (held?.seq !== seq) this.files.set(id, (held = { seq, keys: new Set() }))
      for (const key of rendered.keys) held.keys.add(key)
      // Rounds that left the history (it keeps the newest 100) are never named again.
      if (held.keys.size > rounds.length) {
        const current = new Set(rounds.map((round) => round.key))
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
