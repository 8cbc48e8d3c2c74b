import type { NormalizedRound } from '../config'
import { judgeRound, type MessageCounts } from '../outcome'
import type { Replica } from '../round/replica'
import type { RoundResult, RoundSets } from '../round/result'
import type { TracedMessage } from '../round/trace'

/** The README's sets, over honest replicas only (Byzantine replicas never count). */
export function roundSets(replicas: readonly Replica[]): RoundSets {
  const honest = replicas.filter((replica) => replica.isHonest)
  return {
    prePrepared: honest.filter((replica) => replica.acceptedValue !== null).length,
    prepared: honest.filter((replica) => replica.prepared).length,
    committed: honest.filter((replica) => replica.committed).length,
  }
}

/** The outcome of a finished round: sets, decided values, and success only with agreement. */
export function roundResult(
  round: NormalizedRound,
  seed: number,
  replicas: readonly Replica[],
  messages: MessageCounts,
  trace: readonly TracedMessage[] | undefined,
): RoundResult {
  const { nodes, f } = round
  const sets = roundSets(replicas)
  const honest = replicas.filter((replica) => replica.isHonest)
  const decidedValues = [...new Set(honest.flatMap((replica) => replica.decidedValue ?? []))]
  const verdict = judgeRound(nodes, f, sets.prePrepared, sets.prepared, sets.committed, decidedValues)
  const result: RoundResult = {
    nodes,
    f,
    seed,
    success: verdict.success,
    failure: verdict.failure,
    outcome: verdict.outcome,
    quorumRule: round.quorumRule,
    decidedValue: decidedValues.length === 1 ? (decidedValues[0] ?? null) : null,
    decidedValues,
    sets,
    safetyViolation: decidedValues.length > 1,
    messages: { ...messages },
    replicas: replicas.map((replica) => replica.snapshot()),
  }
  if (trace) result.trace = [...trace]
  return result
}
