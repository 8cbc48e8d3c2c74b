import { describe, expect, it } from 'vitest'
import { standInsOf, type RoundLogEntry } from '../src/index'

const idle = (replica: number, at: number): RoundLogEntry => ({ type: 'act', replica, by: 'bot', at, standIn: { reason: 'idle', name: null } })
const close = (at: number): RoundLogEntry => ({ type: 'close', reason: 'complete', at })

describe('standInsOf', () => {
  it('names the phase of a classic round from the closes before the move', () => {
    expect(standInsOf([close(1), idle(2, 5), close(6), idle(3, 7)]).map((s) => s.phase)).toEqual(['prepare', 'commit'])
  })

  it('follows the phases of a round with views: view 0, then each view change, forced ones included', () => {
    const log: RoundLogEntry[] = [
      close(0), // request
      idle(1, 1), // pre-prepare
      close(2),
      close(3),
      close(4),
      close(5), // reply: view 1 opens
      idle(2, 6), // view-change
      close(7),
      idle(1, 8), // new-view
      { type: 'view', reason: 'host', at: 9 }, // view 2
      idle(3, 10), // view-change
    ]
    expect(standInsOf(log, true).map((s) => [s.nodeId, s.phase])).toEqual([
      [1, 'pre-prepare'],
      [2, 'view-change'],
      [1, 'new-view'],
      [3, 'view-change'],
    ])
  })
})
