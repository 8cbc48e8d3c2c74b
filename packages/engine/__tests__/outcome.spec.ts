import { describe, expect, it } from 'vitest'
import { judgeRound } from '../src/outcome'

describe('judgeRound (metric A)', () => {
  it('succeeds when N - f replicas committed', () => {
    expect(judgeRound(4, 1, 4, 3, 3)).toEqual({ success: true, failure: null })
  })

  it('names the first phase that fell short, worded as the original system does', () => {
    expect(judgeRound(7, 2, 3, 3, 3).failure).toEqual({ phase: 'pre-prepare', reason: 'pre-prepare: Npp=3 < N-f=5' })
    expect(judgeRound(7, 2, 6, 3, 0).failure).toEqual({ phase: 'prepare', reason: 'prepare: Np=3 < N-f=5' })
    expect(judgeRound(7, 2, 6, 5, 4).failure).toEqual({ phase: 'commit', reason: 'commit: Nc=4 < N-f=5' })
  })
})
