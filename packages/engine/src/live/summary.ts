import type { NormalizedRound } from '../config'
import { judgeRound, type MessageCounts } from '../outcome'
import type { Replica } from '../round/replica'
import type { ClientSnapshot, RoundResult, RoundSets } from '../round/result'
import type { TracedMessage } from '../round/trace'

/** The README's sets, over honest replicas only (Byzantine replicas never count), in any view. */
export function roundSets(replicas: readonly Replica[]): RoundSets {
  const honest = replicas.filter((replica) => replica.isHonest)
  return {
    prePrepared: honest.filter((replica) => replica.acceptedEver).length,
    prepared: honest.filter((replica) => replica.preparedEver).length,
    committed: honest.filter((replica) => replica.committed).length,
  }
}

/** How a round with views (or the classic round) ended, besides its replicas. */
export interface RoundEnding {
  maxViews: number
  view: number
  primary: number
  viewChanges: number
  replacedPrimaries: number[]
  client: ClientSnapshot | null
  clientMessages: MessageCounts
}

/** How the classic round ends: one view, primary 0, no client. */
const CLASSIC_ENDING: RoundEnding = {
  maxViews: 1,
  view: 0,
  primary: 0,
  viewChanges: 0,
  replacedPrimaries: [],
  client: null,
  clientMessages: { sent: 0, delivered: 0, dropped: 0, rejected: 0 },
}

/** The outcome of a finished round: sets, decided values, and success only with agreement. */
export function roundResult(
  round: NormalizedRound,
  seed: number,
  replicas: readonly Replica[],
  messages: MessageCounts,
  trace: readonly TracedMessage[] | undefined,
  ending: RoundEnding = CLASSIC_ENDING,
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
    maxViews: ending.maxViews,
    view: ending.view,
    primary: ending.primary,
    viewChanges: ending.viewChanges,
    replacedPrimaries: [...ending.replacedPrimaries],
    clientAccepted: ending.client?.accepted ?? false,
    clientValue: ending.client?.acceptedValue ?? null,
    clientMessages: { ...ending.clientMessages },
    client: ending.client,
  }
  if (trace) result.trace = [...trace]
  return result
}
