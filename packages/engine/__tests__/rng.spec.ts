import { describe, expect, it } from 'vitest'
import { Rng, deliveryThreshold } from '../src/rng'

const firstDraws = (rng: Rng, count = 8): number[] => Array.from({ length: count }, () => rng.nextU32())

describe('Rng', () => {
  it('repeats the same stream for the same seed and stream path', () => {
    expect(firstDraws(new Rng(7, 3))).toEqual(firstDraws(new Rng(7, 3)))
  })

  it('gives unrelated streams for different seeds, sub-streams, fractions and large seeds', () => {
    const streams = [new Rng(1), new Rng(2), new Rng(1, 0), new Rng(1, 1), new Rng(1.5), new Rng(2 ** 32 + 1)]
    const keys = new Set(streams.map((rng) => firstDraws(rng).join(',')))
    expect(keys.size).toBe(streams.length)
  })

  it('draws uniform 32-bit integers (mean and range)', () => {
    const rng = new Rng(42)
    let sum = 0
    const n = 200_000
    for (let i = 0; i < n; i++) {
      const x = rng.nextU32()
      expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true)
      sum += x / 2 ** 32
    }
    // The mean of n uniforms has sd sqrt(1/12/n) ≈ 0.00065; 5 sd keeps false failures negligible.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.0033)
  })

  it('nextFloat stays in [0, 1)', () => {
    const rng = new Rng(3)
    for (let i = 0; i < 10_000; i++) {
      const x = rng.nextFloat()
      expect(x >= 0 && x < 1).toBe(true)
    }
  })
})

describe('deliveryThreshold', () => {
  it('always delivers at p = 1 and never at p = 0', () => {
    expect(deliveryThreshold(1)).toBeGreaterThan(2 ** 32 - 1)
    expect(deliveryThreshold(0)).toBe(0)
  })

  it('delivers a fraction p of uniform draws', () => {
    const rng = new Rng(11)
    const threshold = deliveryThreshold(0.3)
    let delivered = 0
    const n = 100_000
    for (let i = 0; i < n; i++) if (rng.nextU32() < threshold) delivered++
    expect(Math.abs(delivered / n - 0.3)).toBeLessThan(0.01)
  })
})
