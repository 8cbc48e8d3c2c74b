import type { ReplicaView, RoundOutcome } from '@pbft/protocol'
import type { Sentence } from './sentence'

/** How a round ended, as a phone colours it: a safety violation is never shown as a success. */
export type OutcomeState = 'success' | 'no-decision' | 'safety'

export interface OutcomeStory {
  state: OutcomeState
  /** One or two plain sentences: why it ended so, with the numbers of this round. */
  reasons: Sentence[]
  /** What this replica decided. */
  mine: Sentence
}

export function outcomeState(outcome: RoundOutcome): OutcomeState {
  if (outcome.safetyViolation) return 'safety'
  return outcome.success ? 'success' : 'no-decision'
}

/** Replicas that must decide for a round to succeed: N − f (both quorum rules). */
export function replicasNeeded(outcome: RoundOutcome): number {
  return outcome.nodes - outcome.f
}

/** Why the round did not decide: the first step whose honest set fell short of N − f. */
function shortfall(outcome: RoundOutcome, k: number | null): Sentence {
  const needed = replicasNeeded(outcome)
  const { sets } = outcome
  switch (outcome.failure?.phase) {
    case 'pre-prepare':
      return sets.prePrepared === 0
        ? { key: 'participant.node.story.shortPrePrepareNone', params: { needed } }
        : { key: 'participant.node.story.shortPrePrepare', params: { count: sets.prePrepared, needed } }
    case 'prepare':
      return k === null
        ? { key: 'participant.node.story.noDecision' }
        : { key: 'participant.node.story.shortPrepare', params: { count: sets.prepared, needed, k }, count: k }
    case 'commit':
      return k === null
        ? { key: 'participant.node.story.noDecision' }
        : { key: 'participant.node.story.shortCommit', params: { count: sets.committed, needed, k }, count: k }
    default:
      return { key: 'participant.node.story.noDecision' }
  }
}

/** Messages lost or caught on the way: often the reason behind a shortfall. */
function losses(outcome: RoundOutcome): Sentence[] {
  const { sent, dropped, rejected } = outcome.messages
  const said: Sentence[] = []
  if (dropped > 0) said.push({ key: 'participant.node.story.dropped', params: { dropped, sent } })
  if (rejected > 0) said.push({ key: 'participant.node.story.rejected', params: { rejected } })
  return said
}

/** Who decided which value; without `decidedBy` (older servers), the values alone. */
function disagreement(outcome: RoundOutcome, self: number): Sentence[] {
  const said: Sentence[] = [{ key: 'participant.node.story.safety' }]
  if (outcome.decidedBy && outcome.decidedBy.length > 0) {
    for (const { value, replicas } of outcome.decidedBy) {
      said.push({ key: 'participant.node.story.decidedBy', values: [value], who: { ids: replicas, self } })
    }
  } else {
    said.push({ key: 'participant.node.story.decidedValues', values: outcome.decidedValues })
  }
  return said
}

/**
 * The outcome in words, for a phone: a verdict state, one or two sentences with this round's
 * numbers (never the engine's notation), and this replica's own decision.
 */
export function outcomeStory(outcome: RoundOutcome, view: ReplicaView): OutcomeStory {
  const state = outcomeState(outcome)
  const snapshot = view.snapshot
  const k = snapshot === null ? null : outcome.failure?.phase === 'commit' ? snapshot.commitQuorum : snapshot.prepareQuorum
  let reasons: Sentence[]
  if (state === 'safety') reasons = disagreement(outcome, view.nodeId)
  else if (state === 'success') {
    reasons = [
      {
        key: 'participant.node.story.success',
        params: { count: outcome.sets.committed, needed: replicasNeeded(outcome) },
        values: outcome.decidedValue === null ? [] : [outcome.decidedValue],
      },
    ]
  } else reasons = [shortfall(outcome, k), ...losses(outcome)].slice(0, 2)
  const decided = view.snapshot?.decidedValue ?? null
  let mine: Sentence
  if (view.isByzantine) mine = { key: 'participant.node.story.mineByzantine' }
  else if (decided !== null) mine = { key: 'participant.node.story.mine', values: [decided] }
  else mine = { key: 'participant.node.story.mineNone' }
  return { state, reasons, mine }
}
