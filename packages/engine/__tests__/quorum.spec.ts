import { describe, expect, it } from 'vitest'
import { defaultFaultBound, quorumFromOthers, reachesQuorum, successThreshold } from '../src/quorum'

describe('quorum rules', () => {
  it('tolerates f = floor((N-1)/3) faults', () => {
    expect([1, 2, 3, 4, 6, 7, 10, 100].map(defaultFaultBound)).toEqual([0, 0, 0, 1, 1, 2, 3, 33])
  })

  it('needs 2f matching messages from other replicas', () => {
    expect(quorumFromOthers(1)).toBe(2)
    expect(reachesQuorum(1, 1)).toBe(false)
    expect(reachesQuorum(2, 1)).toBe(true)
    expect(reachesQuorum(0, 0)).toBe(true)
  })

  it('succeeds when N - f replicas commit', () => {
    expect(successThreshold(4, 1)).toBe(3)
    expect(successThreshold(10, 3)).toBe(7)
  })
})
