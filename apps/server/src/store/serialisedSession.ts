import type { SessionDocument } from '@pbft/protocol'
import { SerialisedDocument, type SerialisedPart } from './sessionStore'

/** Finished rounds as JSON, computed once per round record: they never change once in the history. */
const serialisedRounds = new WeakMap<object, SerialisedPart>()
/** Each session's seats as last serialised, by its seats array (one per live session). */
const serialisedSeats = new WeakMap<object, SerialisedPart>()
/** Keys for serialised parts: unique in this process, which is all a journal file needs. */
let partKeys = 0

/**
 * A session's document as the store saves it: JSON with its history and seats as parts the
 * journal writes once per file (see journaledParts.ts). Each finished round is serialised once
 * and reused, so a save costs the seats and the running round, not 100 rounds of logs. The seats
 * keep their part (and key) while their JSON is unchanged, which is most acts: compared by
 * content, so no change to a seat can be missed. The caches are weak: a session's parts go
 * with its objects, and the session itself holds nothing of its storage.
 */
export function serialiseSessionDocument(document: SessionDocument): SerialisedDocument {
  const { rounds, seats, ...fields } = document
  const history: SerialisedPart[] = []
  for (const round of rounds) {
    let part = serialisedRounds.get(round)
    if (part === undefined) {
      part = { key: ++partKeys, json: JSON.stringify(round) }
      serialisedRounds.set(round, part)
    }
    history.push(part)
  }
  const seatsJson = JSON.stringify(seats)
  let seatsPart = serialisedSeats.get(seats)
  if (seatsPart?.json !== seatsJson) {
    seatsPart = { key: ++partKeys, json: seatsJson }
    serialisedSeats.set(seats, seatsPart)
  }
  return new SerialisedDocument(JSON.stringify(fields), { seats: seatsPart, rounds: history }, { running: fields.current !== null })
}
