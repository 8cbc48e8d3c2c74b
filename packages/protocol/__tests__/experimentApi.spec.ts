import { describe, expect, it } from 'vitest'
import { describeParamsError } from '../src/experiment'
import {
  EXPERIMENT_API_LIMITS,
  ExperimentCreated,
  ExperimentDocument,
  ExperimentHead,
  ExperimentRequest,
  experimentRoom,
  experimentWork,
  TheoryQuery,
  theoryWork,
} from '../src/experimentApi'

function errorOf(input: unknown): string {
  const result = ExperimentRequest.safeParse(input)
  expect(result.success).toBe(false)
  return result.error ? describeParamsError(result.error) : ''
}

describe('ExperimentRequest', () => {
  it('takes arrays or CLI range text and defaults the seed', () => {
    expect(ExperimentRequest.parse({ nodes: '4,7', p: '0.9:1:0.05', rounds: 10 })).toEqual({
      nodes: [4, 7],
      p: [0.9, 0.95, 1],
      rounds: 10,
      seed: 1,
      quorumRule: ['original'],
    })
    expect(ExperimentRequest.parse({ nodes: [10], p: [0.1, 0.30000000000000004], rounds: 1, seed: 0 })).toEqual({
      nodes: [10],
      p: [0.1, 0.30000000000000004],
      rounds: 1,
      seed: 0,
      quorumRule: ['original'],
    })
  })

  it('takes one quorum rule or a list of them, as the distinct rules in their usual order', () => {
    const base = { nodes: [4], p: [0.9], rounds: 10 }
    expect(ExperimentRequest.parse({ ...base, quorumRule: 'castro-liskov' }).quorumRule).toEqual(['castro-liskov'])
    expect(ExperimentRequest.parse({ ...base, quorumRule: ['castro-liskov', 'original', 'castro-liskov'] }).quorumRule).toEqual(['original', 'castro-liskov'])
    expect(errorOf({ ...base, quorumRule: 'paper' })).toBe('quorumRule: expected "original" or "castro-liskov", or a list of them')
    expect(errorOf({ ...base, quorumRule: [] })).toMatch(/^quorumRule: /)
  })

  it('names the field at fault', () => {
    expect(errorOf({ nodes: [4], p: '1.5', rounds: 1 })).toBe('p: 1.5 is not a probability in [0, 1]')
    expect(errorOf({ nodes: [2.5], p: [1], rounds: 1 })).toBe('nodes: 2.5 is not an integer >= 1')
    expect(errorOf({ nodes: [4], p: [1], rounds: 0 })).toBe('rounds: 0 is not an integer >= 1')
    expect(errorOf({ nodes: [4], p: [1], rounds: 2e9 })).toBe('rounds: 2000000000 is above the limit of 1000000000')
    expect(errorOf({ nodes: [4], p: [1] })).toBe('rounds: required (an integer)')
    expect(errorOf({ nodes: { a: 1 }, p: [1], rounds: 1 })).toMatch(/^nodes: expected a list of numbers/)
    expect(errorOf({ nodes: [4], p: [1], rounds: 1, authentication: false })).toMatch(/^unknown field "authentication"/)
    expect(errorOf('nodes=4')).toBe('expected a JSON object')
  })

  it('caps the points, the total rounds and the work', () => {
    expect(errorOf({ nodes: '1:101', p: '0:1:0.01', rounds: 1 })).toBe(
      'nodes × p gives 10201 points, more than the 10000 one experiment may have (use the CLI for bigger sweeps)',
    )
    expect(errorOf({ nodes: '4:13', p: '0:1:0.1', rounds: 10_000_000 })).toBe(
      `rounds: nodes × p × rounds gives 1100000000 rounds, more than the ${EXPERIMENT_API_LIMITS.maxTotalRounds} allowed`,
    )
    expect(errorOf({ nodes: [10_000], p: [0.9], rounds: 10_001 })).toMatch(/^the sweep is too large: Σ rounds × N² = 1.00e\+12/)
    expect(ExperimentRequest.safeParse({ nodes: [10_000], p: [0.9], rounds: 10_000 }).success).toBe(true)
  })

  it('counts each rule’s points against the caps', () => {
    const both = ['original', 'castro-liskov']
    expect(ExperimentRequest.safeParse({ nodes: '1:50', p: '0:1:0.01', rounds: 1 }).success).toBe(true)
    expect(errorOf({ nodes: '1:50', p: '0:1:0.01', rounds: 1, quorumRule: both })).toBe(
      'nodes × p × quorum rules gives 10100 points, more than the 10000 one experiment may have (use the CLI for bigger sweeps)',
    )
    expect(errorOf({ nodes: [10_000], p: [0.9], rounds: 6_000, quorumRule: both })).toMatch(/^the sweep is too large: Σ rounds × N² = 1.20e\+12/)
  })
})

describe('TheoryQuery', () => {
  it('is the CLI’s theory parameters plus the quorum rule, original by default', () => {
    expect(TheoryQuery.parse({ nodes: '4', p: '0.9' })).toEqual({ nodes: [4], p: [0.9], quorumRule: 'original' })
    expect(TheoryQuery.parse({ nodes: '4,7', p: '1', f: '1', quorumRule: 'castro-liskov' })).toEqual({ nodes: [4, 7], p: [1], f: 1, quorumRule: 'castro-liskov' })
    expect(TheoryQuery.safeParse({ nodes: '4', p: '1', quorumRule: 'both' }).success).toBe(false)
    expect(TheoryQuery.safeParse({ nodes: '4', p: '1', f: '4' }).success).toBe(false)
  })
})

describe('cost models', () => {
  it('count message-equivalents and theory work', () => {
    expect(experimentWork([4, 10], [0.5, 1], 100)).toBe((16 + 100) * 2 * 100)
    expect(theoryWork([100], [0.5, 1])).toBe(2 * (1e5 + 4000))
  })
})

describe('documents and events', () => {
  it('checks the stored schema version', () => {
    const record = {
      id: 'abc',
      status: 'done',
      config: { nodes: [4], p: [1], rounds: 1, seed: 1 },
      progress: { done: 1, total: 1 },
      createdAt: '2026-01-01T00:00:00.000Z',
      appVersion: '0.1.0',
      engineVersion: '0.1.0',
    }
    expect(ExperimentDocument.safeParse({ ...record, v: 1 }).success).toBe(true)
    expect(ExperimentDocument.safeParse({ ...record, v: 2 }).success).toBe(false)
    expect(experimentRoom('abc')).toBe('experiment:abc')
  })

  it('stores the cancel token as a SHA-256 only, and a head without results', () => {
    const record = {
      id: 'abc',
      status: 'running',
      config: { nodes: [4], p: [1], rounds: 1, seed: 1 },
      progress: { done: 0, total: 1 },
      createdAt: '2026-01-01T00:00:00.000Z',
      appVersion: '0.1.0',
      engineVersion: '0.1.0',
      v: 1,
    }
    expect(ExperimentDocument.safeParse({ ...record, cancelTokenHash: 'ab'.repeat(32) }).success).toBe(true)
    expect(ExperimentDocument.safeParse({ ...record, cancelTokenHash: 'the-token-itself' }).success).toBe(false)
    expect(ExperimentHead.parse({ ...record, results: [] })).not.toHaveProperty('results')
    const created = { id: 'abc', status: 'running', total: 1, createdAt: record.createdAt }
    expect(ExperimentCreated.safeParse(created).success).toBe(false)
    expect(ExperimentCreated.parse({ ...created, cancelToken: 't' })).toMatchObject({ cancelToken: 't' })
  })
})
