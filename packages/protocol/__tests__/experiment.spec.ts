import { describe, expect, it } from 'vitest'
import { describeParamsError, EXPERIMENT_LIMITS, SimulationParams, SweepParams, TheoryParams } from '../src/experiment'

function errorOf(result: { success: boolean; error?: Parameters<typeof describeParamsError>[0] }, prefix = ''): string {
  expect(result.success).toBe(false)
  return result.error ? describeParamsError(result.error, prefix) : ''
}

describe('TheoryParams', () => {
  it('parses the ranges of a query string', () => {
    expect(TheoryParams.parse({ nodes: '4,7', p: '0.9:1:0.05' })).toEqual({ nodes: [4, 7], p: [0.9, 0.95, 1] })
    expect(TheoryParams.parse({ nodes: '4', p: '1', f: '0' })).toEqual({ nodes: [4], p: [1], f: 0 })
  })

  it('names the parameter at fault, with or without a flag prefix', () => {
    expect(errorOf(TheoryParams.safeParse({ nodes: '4', p: '1.5' }))).toBe('p: 1.5 is not a probability in [0, 1]')
    expect(errorOf(TheoryParams.safeParse({ nodes: '0', p: '1' }), '--')).toBe('--nodes: 0 is not an integer >= 1')
  })

  it('requires f below every N', () => {
    expect(errorOf(TheoryParams.safeParse({ nodes: '10,4', p: '1', f: '4' }))).toBe('f: 4 must be less than nodes, but nodes = 4')
  })

  it('caps the number of (nodes, p) pairs', () => {
    expect(errorOf(TheoryParams.safeParse({ nodes: '1:1000', p: '0:1:0.001' }))).toBe(
      `nodes × p gives 1001000 pairs, more than the ${EXPERIMENT_LIMITS.maxPairs} allowed`,
    )
  })
})

describe('SimulationParams', () => {
  it('defaults to 10000 rounds and seed 1', () => {
    expect(SimulationParams.parse({ nodes: '10', p: '0.9' })).toEqual({ nodes: 10, p: 0.9, rounds: 10_000, seed: 1 })
  })

  it('checks rounds and seed', () => {
    expect(errorOf(SimulationParams.safeParse({ nodes: '4', p: '1', rounds: '1.5' }))).toBe('rounds: 1.5 is not an integer >= 1')
    expect(errorOf(SimulationParams.safeParse({ nodes: '4', p: '1', rounds: '2000000000' }))).toBe(
      'rounds: 2000000000 is above the limit of 1000000000',
    )
    expect(errorOf(SimulationParams.safeParse({ nodes: '4', p: '1', seed: 'x' }))).toBe('seed: x is not a number')
  })
})

describe('SweepParams', () => {
  it('parses both ranges and the run parameters', () => {
    expect(SweepParams.parse({ nodes: '4,7', p: '0.5:1:0.25', rounds: '100', seed: '3' })).toEqual({
      nodes: [4, 7],
      p: [0.5, 0.75, 1],
      rounds: 100,
      seed: 3,
    })
  })
})
