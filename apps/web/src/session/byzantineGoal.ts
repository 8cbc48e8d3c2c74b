import type { FaultKind, ReplicaView, RoundOutcome } from '@pbft/protocol'
import { replicasNeeded } from '../story/outcomeStory'
import type { Sentence } from './sentence'
import { forgedValueOf } from './valueColours'

/**
 * What a Byzantine student plays for, by fault kind: lying (a wrong value, or a different one
 * to each) aims to split the honest replicas; silence to stop the round; tampering to slip a
 * forged value through.
 */
export type ByzantineGoal = 'split' | 'stall' | 'forge'

export function goalOf(kind: FaultKind): ByzantineGoal | null {
  switch (kind) {
    case 'wrong-value':
    case 'equivocate':
      return 'split'
    case 'silent':
      return 'stall'
    case 'tamper':
      return 'forge'
    default:
      return null
  }
}

export interface GoalBrief {
  goal: ByzantineGoal
  /** "Your goal: …" */
  aim: Sentence
  /** How to go about it with this phone's controls. */
  hint: Sentence
}

/** A crashing seat is faulty but not Byzantine: it has no goal (goalOf says null). */
const HINTS: Record<Exclude<FaultKind, 'honest' | 'crash'>, Sentence['key']> = {
  'wrong-value': 'participant.node.goal.hint.wrongValue',
  equivocate: 'participant.node.goal.hint.equivocate',
  silent: 'participant.node.goal.hint.silent',
  tamper: 'participant.node.goal.hint.tamper',
}

/** The goal of a Byzantine seat, or null for an honest one. */
export function goalBrief(view: ReplicaView): GoalBrief | null {
  const goal = goalOf(view.fault)
  if (goal === null || view.fault === 'honest' || view.fault === 'crash') return null
  return { goal, aim: { key: `participant.node.goal.aim.${goal}` }, hint: { key: HINTS[view.fault] } }
}

export interface GoalResult {
  worked: boolean
  /** Whether it worked, and why (not), with this round's numbers. */
  sentence: Sentence
}

function splitResult(view: ReplicaView, outcome: RoundOutcome, k: number): GoalResult {
  if (outcome.safetyViolation) {
    return { worked: true, sentence: { key: 'participant.node.goal.result.splitWorked', values: outcome.decidedValues.slice(0, 2) } }
  }
  const agreed = outcome.decidedValue
  if (agreed === null) return { worked: false, sentence: { key: 'participant.node.goal.result.splitNoneDecided' } }
  // A lying primary that told everyone the same thing gave them one value to agree on.
  const proposals = new Set(view.sent.filter((message) => message.phase === 'pre-prepare').map((message) => message.value))
  if (view.role === 'primary' && proposals.size === 1) {
    return { worked: false, sentence: { key: 'participant.node.goal.result.splitSameToAll', values: [agreed] } }
  }
  return { worked: false, sentence: { key: 'participant.node.goal.result.splitAgreed', values: [agreed], params: { k }, count: k } }
}

function stallResult(outcome: RoundOutcome, k: number): GoalResult {
  const needed = replicasNeeded(outcome)
  const count = outcome.sets.committed
  if (!outcome.success) {
    return count === 0
      ? { worked: true, sentence: { key: 'participant.node.goal.result.stallNothing' } }
      : { worked: true, sentence: { key: 'participant.node.goal.result.stallTooFew', params: { count, needed } } }
  }
  const values = outcome.decidedValue === null ? [] : [outcome.decidedValue]
  return { worked: false, sentence: { key: 'participant.node.goal.result.stallFailed', params: { count, needed, k }, values, count: k } }
}

function forgeResult(view: ReplicaView, outcome: RoundOutcome): GoalResult {
  const proposal = view.byzantine?.proposal ?? null
  const forged = outcome.decidedValues.find((value) => proposal !== null && value === forgedValueOf(proposal))
  if (forged !== undefined) return { worked: true, sentence: { key: 'participant.node.goal.result.forgeWorked', values: [forged] } }
  const { rejected } = outcome.messages
  if (rejected > 0) return { worked: false, sentence: { key: 'participant.node.goal.result.forgeRejected', params: { rejected } } }
  return { worked: false, sentence: { key: 'participant.node.goal.result.forgeIgnored' } }
}

/** After the round: did this Byzantine seat reach its goal, and why (not)? Null for honest seats. */
export function goalResult(view: ReplicaView, outcome: RoundOutcome): GoalResult | null {
  const brief = goalBrief(view)
  const snapshot = view.snapshot
  if (brief === null || snapshot === null) return null
  // Splitting must beat the prepare quorum; a stall, the commit quorum the others still reached.
  if (brief.goal === 'split') return splitResult(view, outcome, snapshot.prepareQuorum)
  if (brief.goal === 'stall') return stallResult(outcome, snapshot.commitQuorum)
  return forgeResult(view, outcome)
}
