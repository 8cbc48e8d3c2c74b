import type { RoundResult } from '@pbft/engine'
import type { LiveRoundRecord, RoundOutcome, SessionDocument } from '@pbft/protocol'
import { SerialisedDocument, type SerialisedPart } from '../store/sessionStore'

/** The outcome of a finished round, as clients see it. */
export function outcomeOf(round: number, result: RoundResult): RoundOutcome {
  const { seed, nodes, f, success, failure, decidedValue, decidedValues, safetyViolation, sets, messages, outcome, quorumRule } = result
  return {
    round,
    seed,
    nodes,
    f,
    success,
    failure,
    failureReason: failure?.reason ?? null,
    decidedValue,
    decidedValues,
    safetyViolation,
    sets: { ...sets },
    messages: { ...messages },
    decidedBy: decidedValues.map((value) => ({
      value,
      replicas: result.replicas.filter((replica) => replica.fault === 'honest' && replica.decidedValue === value).map((replica) => replica.id),
    })),
    outcome,
    quorumRule,
  }
}

/**
 * The round a session shows when it is loaded: the running one, else the last finished one
 * (after a restart it is still on everyone's screen); null for none or an aborted last round.
 */
export function displayedRound(document: SessionDocument): LiveRoundRecord | null {
  if (document.current !== null) return document.current
  const last = document.rounds.at(-1)
  return last && !last.aborted ? last : null
}

/** Finished rounds as JSON, computed once per round record (see `serialisedDocument`). */
const serialisedRounds = new WeakMap<object, SerialisedPart>()
/** Keys for serialised parts: unique in this process, which is all a journal file needs. */
let partKeys = 0

/**
 * A session's document as JSON, each finished round serialised once and reused (they never
 * change once in the history): a save costs the seats and the running round, not 100 rounds of
 * logs. The seats keep their part (and key) while their JSON is unchanged (`seatsPart`, the
 * last one), which is most acts: compared by content, so no change to a seat can be missed.
 */
export function serialiseSession(document: SessionDocument, seatsPart: SerialisedPart | null): { document: SerialisedDocument; seatsPart: SerialisedPart } {
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
  const seatsNow = seatsPart?.json === seatsJson ? seatsPart : { key: ++partKeys, json: seatsJson }
  const serialised = new SerialisedDocument(JSON.stringify(fields), { seats: seatsNow, rounds: history }, { running: fields.current !== null })
  return { document: serialised, seatsPart: seatsNow }
}
