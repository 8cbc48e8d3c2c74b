import { describe, expect, it } from 'vitest'
import { judgeRound, ROUND_OUTCOMES, safetyFailure } from '../src/outcome'

describe('judgeRound (metric A)', () => {
  it('succeeds when N - f replicas committed', () => {
    expect(judgeRound(4, 1, 4, 3, 3)).toEqual({ success: true, failure: null, outcome: 'success' })
    expect(judgeRound(4, 1, 4, 3, 3, ['v'])).toEqual({ success: true, failure: null, outcome: 'success' })
  })

  it('names the first phase that fell short, worded as the original system does', () => {
    expect(judgeRound(7, 2, 3, 3, 3).failure).toEqual({ phase: 'pre-prepare', reason: 'pre-prepare: Npp=3 < N-f=5' })
    expect(judgeRound(7, 2, 6, 3, 0).failure).toEqual({ phase: 'prepare', reason: 'prepare: Np=3 < N-f=5' })
    expect(judgeRound(7, 2, 6, 5, 4).failure).toEqual({ phase: 'commit', reason: 'commit: Nc=4 < N-f=5' })
    expect(judgeRound(7, 2, 6, 5, 4).outcome).toBe('no-decision')
  })
})

describe('judgeRound: success needs agreement', () => {
  it('never calls a round with two decided values a success, however many committed', () => {
    const verdict = judgeRound(5, 1, 5, 5, 5, ['v', 'v′'])
    expect(verdict).toEqual({
      success: false,
      outcome: 'safety-violated',
      failure: { phase: 'commit', reason: 'safety: honest replicas committed v and v′' },
    })
  })

  it('reports a violation even when the sets also fell short', () => {
    expect(judgeRound(7, 2, 6, 2, 2, ['a', 'b', 'c']).failure?.reason).toBe('safety: honest replicas committed a, b and c')
    expect(safetyFailure(['x', 'y']).reason).toBe('safety: honest replicas committed x and y')
  })

  it('has exactly three outcomes', () => {
    expect(ROUND_OUTCOMES).toEqual(['success', 'no-decision', 'safety-violated'])
  })
})
