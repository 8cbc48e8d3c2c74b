import type { QuorumRule, SimulationResult } from '../engine'

/**
 * The machine-readable result of one Monte-Carlo run. Other tools read these keys in this
 * order (simulate --json, sweep --json, the CSV columns): new keys go at the end only.
 */
export interface SimulationRecord {
  nodes: number
  f: number
  p: number | null
  rounds: number
  seed: number
  /** Rounds that succeeded: N - f honest replicas committed one value, none another. */
  successes: number
  /** successes / rounds: a round with a safety violation is never a success. */
  successRate: number
  ci95: [number, number]
  theoreticalSuccessRate: number | null
  failures: { 'pre-prepare': number; prepare: number; commit: number }
  elapsedMs: number | null
  safetyViolations: number
  meanMessages: { sent: number; delivered: number; dropped: number; rejected: number }
  path: 'fast' | 'message'
  quorumRule: QuorumRule
  /** K: the views a round could use (1: today's one-attempt round). */
  views: number
  /** The mean number of views the rounds used: 1 when a round decided in view 0, 2 in view 1. */
  meanViews: number
  /** Rounds whose client got f + 1 matching replies, over all rounds (metric B). */
  clientAcceptRate: number
}

export function toSimulationRecord(
  result: SimulationResult,
  theoreticalSuccessRate: number | null,
  elapsedMs: number | null,
): SimulationRecord {
  // Built key by key (not spread from the result) so the order is ours, whatever the engine's.
  return {
    nodes: result.nodes,
    f: result.f,
    p: result.p,
    rounds: result.rounds,
    seed: result.seed,
    successes: result.successes,
    successRate: result.successRate,
    ci95: [result.ci95[0], result.ci95[1]],
    theoreticalSuccessRate,
    failures: {
      'pre-prepare': result.failures['pre-prepare'],
      prepare: result.failures.prepare,
      commit: result.failures.commit,
    },
    elapsedMs,
    safetyViolations: result.safetyViolations,
    meanMessages: {
      sent: result.meanMessages.sent,
      delivered: result.meanMessages.delivered,
      dropped: result.meanMessages.dropped,
      rejected: result.meanMessages.rejected,
    },
    path: result.path,
    quorumRule: result.quorumRule,
    views: result.views,
    meanViews: result.meanViews,
    clientAcceptRate: result.clientAcceptRate,
  }
}
