import { describe, expect, it } from 'vitest'
import type { TracedMessage } from '@pbft/protocol'
import { phaseAt, phaseStarts, replayCounters } from '../../src/composables/useReplayCounters'

let index = 0
function msg(phase: TracedMessage['phase'], from: number, to: number, extra: Partial<TracedMessage> = {}): TracedMessage {
  return {
    index: index++,
    phase,
    from,
    to,
    value: 'v',
    deliveredValue: 'v',
    digest: 'd',
    mac: 'm',
    status: 'delivered',
    counted: true,
    ignoredReason: null,
    ...extra,
  }
}

/** A complete N = 4 round, all honest and delivered: 3 pre-prepares, 9 prepares, 12 commits. */
function fullRound(): TracedMessage[] {
  index = 0
  const trace: TracedMessage[] = []
  for (const to of [1, 2, 3]) trace.push(msg('pre-prepare', 0, to))
  for (const from of [1, 2, 3]) for (const to of [0, 1, 2, 3]) if (to !== from) trace.push(msg('prepare', from, to))
  for (const from of [0, 1, 2, 3]) for (const to of [0, 1, 2, 3]) if (to !== from) trace.push(msg('commit', from, to))
  return trace
}

describe('replayCounters', () => {
  const context = { nodes: 4, faults: ['honest', 'honest', 'honest', 'honest'] as const, proposal: 'v' }

  it('starts from nothing but the honest primary’s own proposal', () => {
    const counters = replayCounters(fullRound(), 0, context)
    expect(counters.map((c) => [c.accepted, c.prepares, c.commits, c.prepared, c.committed])).toEqual([
      ['v', 0, 0, false, false],
      [null, 0, 0, false, false],
      [null, 0, 0, false, false],
      [null, 0, 0, false, false],
    ])
    expect(counters[0]?.quorum).toBe(2)
  })

  it('counts pre-prepares and prepares as they arrive, and becomes prepared at 2f', () => {
    const trace = fullRound()
    // 3 pre-prepares + the first 4 prepares: 1→0, 1→2, 1→3, 2→0.
    const counters = replayCounters(trace, 7, context)
    expect(counters.map((c) => c.accepted)).toEqual(['v', 'v', 'v', 'v'])
    expect(counters.map((c) => c.prepares)).toEqual([2, 0, 1, 1])
    expect(counters.map((c) => c.prepared)).toEqual([true, false, false, false])
    expect(counters[2]?.delivered).toEqual({ 'pre-prepare': 1, prepare: 1, commit: 0 })
  })

  it('ends a complete round with every replica committed', () => {
    const trace = fullRound()
    const counters = replayCounters(trace, trace.length, context)
    expect(counters.map((c) => [c.prepares, c.commits, c.committed])).toEqual([
      [3, 3, true],
      [2, 3, true],
      [2, 3, true],
      [2, 3, true],
    ])
    // Beyond the end is the end.
    expect(replayCounters(trace, 10_000, context)).toEqual(counters)
  })

  it('counts dropped and rejected messages apart, and only what the trace marks counted', () => {
    index = 0
    const trace = [
      msg('pre-prepare', 0, 1, { status: 'dropped', deliveredValue: null, counted: false }),
      msg('pre-prepare', 0, 2, { status: 'rejected', counted: false }),
      msg('pre-prepare', 0, 3, { deliveredValue: 'x′' }),
      msg('prepare', 1, 3, { counted: false, ignoredReason: 'value-mismatch' }),
    ]
    const counters = replayCounters(trace, trace.length, context)
    expect(counters[1]).toMatchObject({ dropped: 1, accepted: null })
    expect(counters[2]).toMatchObject({ rejected: 1, accepted: null })
    expect(counters[3]).toMatchObject({ accepted: 'x′', prepares: 0 })
    expect(counters[3]?.delivered.prepare).toBe(1)
  })

  it('lets Byzantine replicas count nothing', () => {
    const trace = fullRound()
    const counters = replayCounters(trace, trace.length, { nodes: 4, faults: ['equivocate', 'honest', 'honest', 'silent'], proposal: 'v' })
    expect(counters[0]).toMatchObject({ honest: false, accepted: null, prepares: 0, committed: false })
    expect(counters[3]).toMatchObject({ honest: false, committed: false })
    expect(counters[1]).toMatchObject({ honest: true, committed: true })
  })

  it('tells the phase at a position and where phases start', () => {
    const trace = fullRound()
    expect(phaseAt(trace, 0)).toBeNull()
    expect(phaseAt(trace, 3)).toBe('pre-prepare')
    expect(phaseAt(trace, 4)).toBe('prepare')
    expect(phaseAt(trace, trace.length)).toBe('commit')
    expect(phaseStarts(trace)).toEqual({ 'pre-prepare': 0, prepare: 3, commit: 12 })
  })
})
