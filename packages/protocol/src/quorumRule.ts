import { z } from 'zod'

/**
 * How replicas count votes: the engine's `QuorumRule` restated as a schema (the protocol does
 * not depend on the engine; a server test checks that both lists agree). `original` is the
 * original system's rule and the default of every API; `castro-liskov` is the paper's
 * (OSDI'99 §4.2), which tolerates f silent replicas. See packages/engine/README.md.
 */
export const QUORUM_RULES = ['original', 'castro-liskov'] as const
export const QuorumRule = z.enum(QUORUM_RULES, {
  error: (issue) => `expected ${QUORUM_RULES.map((rule) => `"${rule}"`).join(' or ')}, got ${JSON.stringify(issue.input)}`,
})
export type QuorumRule = z.infer<typeof QuorumRule>
/** The default everywhere: every published number of the original system holds under it. */
export const DEFAULT_QUORUM_RULE: QuorumRule = 'original'

/**
 * How a round ended (the engine's `RoundOutcome` type, restated): `success` (at least N − f
 * honest replicas committed one value, none another), `no-decision`, or `safety-violated` (two
 * honest replicas committed different values: never a success).
 */
export const ROUND_OUTCOME_KINDS = ['success', 'no-decision', 'safety-violated'] as const
export const RoundOutcomeKind = z.enum(ROUND_OUTCOME_KINDS)
export type RoundOutcomeKind = z.infer<typeof RoundOutcomeKind>

/** The three-way outcome of a round known only by its flags (records stored before `outcome` existed). */
export function outcomeKindOf(round: { success: boolean; safetyViolation: boolean }): RoundOutcomeKind {
  if (round.safetyViolation) return 'safety-violated'
  return round.success ? 'success' : 'no-decision'
}
