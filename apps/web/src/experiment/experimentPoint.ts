import type { SimulationResult } from '@pbft/engine'
import type { ExperimentPoint } from '@pbft/protocol'

/**
 * A finished run as a row of the results (the REST API's `ExperimentPoint`, which is also the
 * CSV's source). `seed` is the seed the user typed; `pointSeed` the one the run actually used;
 * `theory` the exact value under the run's own quorum rule.
 */
export function toExperimentPoint(result: SimulationResult, seed: number, theory: number): ExperimentPoint {
  return {
    nodes: result.nodes,
    f: result.f,
    p: result.p ?? Number.NaN,
    rounds: result.rounds,
    seed,
    pointSeed: result.seed,
    successes: result.successes,
    successRate: result.successRate,
    ci95: [result.ci95[0], result.ci95[1]],
    theoreticalSuccessRate: theory,
    failures: {
      'pre-prepare': result.failures['pre-prepare'],
      prepare: result.failures.prepare,
      commit: result.failures.commit,
    },
    meanMessages: { ...result.meanMessages },
    quorumRule: result.quorumRule,
    safetyViolations: result.safetyViolations,
  }
}
