import { planSweep, runPlan, successProbability } from '@pbft/engine'
import type { ExperimentPoint, QuorumRule } from '@pbft/protocol'
import { toExperimentPoint } from './experimentPoint'

export interface SweepConfig {
  nodes: readonly number[]
  ps: readonly number[]
  rounds: number
  seed: number
  /** Each rule's sweep in turn, with the same seed (as the server runs them). */
  quorumRules: readonly QuorumRule[]
}

/**
 * The sweep the server would run, played here (when the server cannot be reached). The engine
 * gives every point its own seed, so the numbers equal the server's and `pbft sweep`'s.
 */
export function playSweep(
  config: SweepConfig,
  onPoint: (point: ExperimentPoint) => void,
  onProgress: (done: number, total: number) => void,
): void {
  const plans = config.quorumRules.flatMap((quorumRule) =>
    planSweep({ nodes: config.nodes, ps: config.ps, rounds: config.rounds, seed: config.seed, quorumRule }),
  )
  const total = plans.reduce((sum, plan) => sum + plan.rounds, 0)
  let done = 0
  for (const plan of plans) {
    const result = runPlan(plan, undefined, (rounds) => {
      done += rounds
      onProgress(done, total)
    })
    const p = result.p ?? Number.NaN
    onPoint(toExperimentPoint(result, config.seed, successProbability(result.nodes, p, result.f, result.quorumRule)))
  }
}
