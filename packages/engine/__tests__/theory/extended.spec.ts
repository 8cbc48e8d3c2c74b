import { describe, expect, it } from 'vitest'
import {
  add,
  atMost,
  complementOf,
  divide,
  DOWN,
  extended,
  fromLog,
  linear,
  log10Of,
  logOf,
  multiply,
  ratioOf,
  Register,
  toNumber,
  UP,
  ZERO,
} from '../../src/theory/extended'

describe('extended numbers', () => {
  it('keep their mantissa in [2^-448, 1] and lose nothing to underflow', () => {
    const tiny = extended(1e-300)
    expect(tiny.m).toBeGreaterThanOrEqual(DOWN)
    expect(tiny.m).toBeLessThanOrEqual(1)
    // (1e-300)^4 = 1e-1200, far below the doubles, and back up again exactly.
    const small = multiply(multiply(tiny, tiny), multiply(tiny, tiny))
    expect(log10Of(small)).toBeCloseTo(-1200, 10)
    expect(toNumber(divide(small, multiply(multiply(tiny, tiny), tiny)))).toBe(1e-300)
    expect(toNumber(small)).toBe(0)
    expect(toNumber(extended(5e-324))).toBe(5e-324)
  })

  it('add across exponents, dropping only what is below 2^-896 of the sum', () => {
    expect(toNumber(add(extended(0.5), extended(0.25)))).toBe(0.75)
    expect(toNumber(add(extended(1e-200), extended(1e-160)))).toBe(1e-160 + 1e-200)
    const far = extended(1, -3)
    expect(add(extended(0.5), far)).toEqual(extended(0.5))
    expect(add(ZERO, far)).toEqual(far)
  })

  it('order values by exponent first', () => {
    expect(atMost(extended(1, -1), extended(DOWN))).toBe(true)
    expect(atMost(extended(0.9), extended(1e-300))).toBe(false)
    expect(atMost(ZERO, extended(1, -9))).toBe(true)
    expect(atMost(extended(1, -9), ZERO)).toBe(false)
  })

  it('convert to and from logarithms', () => {
    for (const log of [0, -1, -700, -745, -1e4, -1e6]) expect(logOf(fromLog(log))).toBeCloseTo(log, 8)
    expect(fromLog(Number.NEGATIVE_INFINITY)).toBe(ZERO)
    expect(logOf(ZERO)).toBe(Number.NEGATIVE_INFINITY)
    expect(fromLog(-0.5).k).toBe(0)
  })

  it('report doubles only where they keep full precision', () => {
    expect(linear(extended(0.3))).toBe(0.3)
    expect(linear(extended(1e-200))).toBe(1e-200)
    expect(linear(extended(1e-300))).toBeNull()
    expect(ratioOf(extended(1e-300), extended(1e-10))).toBeCloseTo(1e-290, 300)
    expect(toNumber(complementOf(extended(0.25)))).toBe(0.75)
  })
})

describe('Register', () => {
  it('accumulates products without allocating, like add and multiply', () => {
    const sum = new Register().set(0, 0)
    const a = extended(1e-200)
    for (let i = 0; i < 10; i++) sum.addProduct(a.m, a.k, a.m, a.k)
    expect(log10Of(sum.value())).toBeCloseTo(-399, 12)
    sum.multiply(UP, 0).multiply(DOWN, 0)
    expect(log10Of(sum.value())).toBeCloseTo(-399, 12)
    expect(sum.atMostScaled(new Register().set(1e-10, 0), 1)).toBe(true)
    expect(new Register().set(1e-10, 0).atMostScaled(sum, 2 ** 60)).toBe(false)
  })
})
