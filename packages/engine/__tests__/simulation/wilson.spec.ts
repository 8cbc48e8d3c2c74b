import { describe, expect, it } from 'vitest'
import { wilson, wilson95, Z95 } from '../../src/simulation/wilson'

describe('wilson95', () => {
  it('matches published values', () => {
    // 8 of 10 and 50 of 100: standard textbook Wilson intervals.
    const [low8, high8] = wilson95(8, 10)
    expect(low8).toBeCloseTo(0.4902, 4)
    expect(high8).toBeCloseTo(0.9433, 4)
    const [low50, high50] = wilson95(50, 100)
    expect(low50).toBeCloseTo(0.4038, 4)
    expect(high50).toBeCloseTo(0.5962, 4)
  })

  it('is exactly 0 at no successes and exactly 1 at all successes', () => {
    const [low0, high0] = wilson95(0, 20)
    expect(low0).toBe(0)
    expect(high0).toBeCloseTo(Z95 ** 2 / (20 + Z95 ** 2), 12)
    const [lowN, highN] = wilson95(20, 20)
    expect(highN).toBe(1)
    expect(lowN).toBeCloseTo(20 / (20 + Z95 ** 2), 12)
  })

  it('stays inside [0, 1] and contains the observed rate', () => {
    for (const trials of [1, 2, 7, 1000, 1e9]) {
      for (const successes of [0, 1, Math.floor(trials / 2), trials - 1, trials]) {
        if (successes < 0) continue
        const [low, high] = wilson95(successes, trials)
        expect(low).toBeGreaterThanOrEqual(0)
        expect(high).toBeLessThanOrEqual(1)
        expect(low).toBeLessThanOrEqual(successes / trials)
        expect(high).toBeGreaterThanOrEqual(successes / trials)
      }
    }
  })

  it('says nothing is known without trials, and widens with z', () => {
    expect(wilson95(0, 0)).toEqual([0, 1])
    const [low95, high95] = wilson95(30, 100)
    const [low4, high4] = wilson(30, 100, 4)
    expect(low4).toBeLessThan(low95)
    expect(high4).toBeGreaterThan(high95)
  })
})
