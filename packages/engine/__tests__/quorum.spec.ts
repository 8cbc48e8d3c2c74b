import { describe, expect, it } from 'vitest'
import {
  byzantineQuorum,
  commitsNeeded,
  countsPrepareFrom,
  defaultFaultBound,
  isQuorumRule,
  preparesNeeded,
  QUORUM_RULES,
  quorumFromOthers,
  quorumThresholds,
  reachesQuorum,
  successThreshold,
} from '../src/quorum'

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

  it('names two rules, original first (the default)', () => {
    expect(QUORUM_RULES).toEqual(['original', 'castro-liskov'])
    expect(isQuorumRule('castro-liskov')).toBe(true)
    expect(isQuorumRule('Original')).toBe(false)
    expect(isQuorumRule(undefined)).toBe(false)
  })
})

describe('the Byzantine quorum Q = ceil((N + f + 1) / 2)', () => {
  it('is 2f + 1 at N = 3f + 1', () => {
    for (let f = 0; f <= 40; f++) expect(byzantineQuorum(3 * f + 1, f)).toBe(2 * f + 1)
  })

  it('makes any two quorums share f + 1 replicas for every N >= 3f + 1, and fits in the N - f honest ones', () => {
    for (let f = 0; f <= 20; f++) {
      for (let nodes = 3 * f + 1; nodes <= 3 * f + 12; nodes++) {
        const q = byzantineQuorum(nodes, f)
        expect(2 * q - nodes, `N=${nodes} f=${f}`).toBeGreaterThanOrEqual(f + 1)
        expect(q, `N=${nodes} f=${f}`).toBeLessThanOrEqual(nodes - f)
      }
    }
  })
})

describe('what a replica needs from others', () => {
  it('is 2f under the original rule, whoever asks and whether it voted', () => {
    for (const primary of [true, false]) {
      for (const voted of [true, false]) {
        expect(preparesNeeded(7, 2, 'original', { primary, voted })).toBe(4)
        expect(commitsNeeded(7, 2, 'original', voted)).toBe(4)
      }
    }
    expect(quorumThresholds(7, 2)).toEqual({ primaryPrepares: 4, backupPrepares: 4, commits: 4 })
  })

  it('under castro-liskov counts the pre-prepare as the primary vote and the own vote once sent', () => {
    // N = 4, f = 1: Q = 3.
    expect(preparesNeeded(4, 1, 'castro-liskov', { primary: false, voted: true })).toBe(1)
    expect(preparesNeeded(4, 1, 'castro-liskov', { primary: false, voted: false })).toBe(2)
    expect(preparesNeeded(4, 1, 'castro-liskov', { primary: true, voted: true })).toBe(2)
    expect(preparesNeeded(4, 1, 'castro-liskov', { primary: true, voted: false })).toBe(3)
    expect(commitsNeeded(4, 1, 'castro-liskov', true)).toBe(2)
    expect(commitsNeeded(4, 1, 'castro-liskov', false)).toBe(3)
    // N = 5, f = 1: Q = 4 (the original rule's 2f = 2 is smaller than a Byzantine quorum).
    expect(quorumThresholds(5, 1, 'castro-liskov')).toEqual({ primaryPrepares: 3, backupPrepares: 2, commits: 3 })
    expect(quorumThresholds(10, 3, 'castro-liskov')).toEqual({ primaryPrepares: 6, backupPrepares: 5, commits: 6 })
  })

  it('ignores a PREPARE from the primary only under castro-liskov', () => {
    expect(countsPrepareFrom('original', 0)).toBe(true)
    expect(countsPrepareFrom('castro-liskov', 0)).toBe(false)
    expect(countsPrepareFrom('castro-liskov', 3)).toBe(true)
  })
})
