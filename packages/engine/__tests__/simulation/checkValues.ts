import { expect } from 'vitest'
import type { SimulationResult } from '../../src/simulation/simulate'
import { wilson } from '../../src/simulation/wilson'

/**
 * Statistical checks use z = 4: a correct implementation fails one with probability about
 * 6·10^-5 (two-sided normal tail), so the ~100 such checks of the suite fail falsely with
 * probability under 1 % -- and, seeds being fixed, a passing run passes forever.
 */
export const Z = 4

/** Public check values of shared/MODEL.md, in percent rounded to 2 decimals. */
export const CHECK_PERCENT: Record<number, Record<number, number>> = {
  4: { 0.5: 0.05, 0.7: 3.78, 0.8: 17.04, 0.9: 52.15, 0.95: 77.79, 1: 100 },
  5: { 0.5: 0.22, 0.7: 13.0, 0.8: 39.85, 0.9: 77.98, 0.95: 93.51, 1: 100 },
  6: { 0.5: 0.52, 0.7: 21.76, 0.8: 54.33, 0.9: 87.66, 0.95: 97.1, 1: 100 },
  7: { 0.5: 0.0, 0.7: 0.3, 0.8: 8.29, 0.9: 52.68, 0.95: 84.55, 1: 100 },
  10: { 0.5: 0.0, 0.7: 0.03, 0.8: 5.06, 0.9: 58.08, 0.95: 92.11, 1: 100 },
}
/** The precise values MODEL.md gives for p = 0.9. */
export const PRECISE_AT_09: Record<number, number> = { 4: 0.5214612411125161, 7: 0.5268216007141319 }
/** Half a unit of the last printed digit of CHECK_PERCENT. */
export const ROUNDING = 0.005 / 100

/** Asserts that `exact` lies in the z = 4 Wilson interval of the result, widened by `slack`. */
export function expectConsistent(result: SimulationResult, exact: number, slack = 0): void {
  const [low, high] = wilson(result.successes, result.rounds, Z)
  const where = `N=${result.nodes} p=${result.p} ${result.path}: ${result.successRate} vs ${exact}`
  expect(exact, where).toBeGreaterThanOrEqual(low - slack)
  expect(exact, where).toBeLessThanOrEqual(high + slack)
}
