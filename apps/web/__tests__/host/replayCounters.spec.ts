import { describe, expect, it } from 'vitest'
import { runRound } from '@pbft/engine'
import type { TracedMessage } from '@pbft/protocol'
import { phaseAt, phaseStarts, replayCounters } from '../../src/composables/useReplayCounters'

let index = 0
function msg(phase: TracedMessage['phase'], from: number, to: number, extra: Partial<TracedMessage> = {}): TracedMessage {
  return {
    index: index++,
    phase,
    from,
    to,
    view: 0,
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

describe('replayCounters under the round’s quorum rule', () => {
  it('agrees with the engine’s own snapshots, at N = 4 with a silent replica and at N = 7, under both rules', () => {
    const cases = [
      { nodes: 4, faults: ['honest', 'honest', 'honest', 'silent'] as const },
      { nodes: 7, faults: ['honest', 'honest', 'honest', 'honest', 'honest', 'silent', 'silent'] as const },
      { nodes: 5, faults: ['honest', 'honest', 'honest', 'honest', 'honest'] as const, p: 0.8 },
    ]
    for (const quorumRule of ['original', 'castro-liskov'] as const) {
      for (const { nodes, faults, p } of cases) {
        const result = runRound({ nodes, faults: [...faults], quorumRule, p: p ?? 1, proposal: 'v' }, { seed: 11 })
        const trace = result.trace ?? []
        const counters = replayCounters(trace, trace.length, { nodes, faults, proposal: 'v', quorumRule })
        for (const replica of result.replicas.filter((r) => r.fault === 'honest')) {
          const mine = counters[replica.id]
          expect([mine?.prepareQuorum, mine?.commitQuorum, mine?.prepared, mine?.committed], `${quorumRule} N=${nodes} replica ${replica.id}`).toEqual([
            replica.prepareQuorum,
            replica.commitQuorum,
            replica.prepared,
            replica.committed,
          ])
        }
      }
    }
  })

  it('lowers a castro-liskov backup’s need once it sent its own prepare', () => {
    index = 0
    const trace = [msg('pre-prepare', 0, 1), msg('pre-prepare', 0, 2), msg('pre-prepare', 0, 3), msg('prepare', 2, 1), msg('prepare', 1, 2)]
    const context = { nodes: 4, proposal: 'v', quorumRule: 'castro-liskov' as const }
    // Replica 1 has one prepare from another backup but has not voted: it needs 2.
    expect(replayCounters(trace, 4, context)[1]).toMatchObject({ prepares: 1, prepareQuorum: 2, prepared: false })
    // Once its own prepare is out, one other backup is enough (Q = 3: itself, the primary, replica 2).
    expect(replayCounters(trace, 5, context)[1]).toMatchObject({ prepares: 1, prepareQuorum: 1, prepared: true })
  })
})

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
    expect(counters.map((c) => [c.prepareQuorum, c.commitQuorum])).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 2],
    ])
  })

  it('counts pre-prepares and prepares as they arrive, and becomes prepared at 2f', () => {
    const trace = fullRound()
    // 3 pre-prepares + the first 4 prepares: 1→0, 1→2, 1→3, 2→0.
    const counters = replayCounters(trace, 7, context)
    expect(counters.map((c) => c.accepted)).toEqual(['v', 'v', 'v', 'v'])
    expect(counters.map((c) => c.prepares)).toEqual([2, 0, 1, 1])
    expect(counters.map((c) => c.prepared)).toEqual([true, false, false, false])
    expect(counters[2]?.delivered).toEqual({ request: 0, 'pre-prepare': 1, prepare: 1, commit: 0, reply: 0, 'view-change': 0, 'new-view': 0 })
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
