import type { ExperimentPoint } from '@pbft/protocol'

/** A plausible results row; override what a test cares about. */
export function experimentPoint(overrides: Partial<ExperimentPoint> = {}): ExperimentPoint {
  return {
    nodes: 4,
    f: 1,
    p: 0.9,
    rounds: 1000,
    seed: 1,
    pointSeed: 123456789,
    successes: 950,
    successRate: 0.95,
    ci95: [0.935, 0.962],
    theoreticalSuccessRate: 0.9477,
    failures: { 'pre-prepare': 10, prepare: 30, commit: 10 },
    meanMessages: { sent: 30, delivered: 27, dropped: 3, rejected: 0 },
    quorumRule: 'original',
    safetyViolations: 0,
    ...overrides,
  }
}
