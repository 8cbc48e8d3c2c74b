import { failureProbability, successProbability } from '@pbft/engine'
import type { QuorumRule } from '@pbft/protocol'

/**
 * The exact curves of a sweep, per (N, rule): `[p, P, 1 − P]` on a grid fine enough to look
 * smooth, plus every measured p. 1 − P comes from the engine's `failureProbability` (summed from
 * the complementary events, never subtracted), so the log scale stays exact near p = 1; it is
 * only computed when the log scale is on, since it costs another sum per grid point.
 */
export type TheoryPoint = readonly [p: number, success: number, failure: number]

export interface TheoryCurve {
  nodes: number
  rule: QuorumRule
  points: readonly TheoryPoint[]
}

/** The p grid: `samples` steps across the measured range, and every measured p. */
export function theoryGrid(ps: readonly number[], samples = 200): number[] {
  if (ps.length === 0) return []
  const low = Math.min(...ps)
  const high = Math.max(...ps)
  const grid = new Set<number>(ps)
  for (let i = 0; samples > 0 && i <= samples; i++) grid.add(low + ((high - low) * i) / samples)
  return [...grid].sort((a, b) => a - b)
}

/**
 * One curve. `withFailure`: also 1 − P, exactly (the log scale); without it the third value is
 * 1 − P by subtraction, good enough for a linear axis.
 */
export function theoryCurve(nodes: number, ps: readonly number[], rule: QuorumRule = 'original', withFailure = false, samples = 200): TheoryPoint[] {
  return theoryGrid(ps, samples).map((p) => {
    const success = successProbability(nodes, p, undefined, rule)
    return [p, success, withFailure ? failureProbability(nodes, p, undefined, rule) : 1 - success] as const
  })
}
