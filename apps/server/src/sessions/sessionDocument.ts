import type { RoundResult } from '@pbft/engine'
import type { LiveRoundRecord, RoundOutcome, SessionDocument } from '@pbft/protocol'

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
