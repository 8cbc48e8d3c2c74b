import { describe, expect, it } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import type { LivePhase, RoundOutcome, TracedMessage } from '@pbft/protocol'
import type { CounterRow } from '../../src/components/host/counterRows'
import { useRoundStage } from '../../src/composables/useRoundStage'
import { locale } from './localeFixture'
import { message, row, silentReplicaRound } from './storyFixtures'

function stage() {
  const round = ref<number | null>(1)
  const trace = ref<TracedMessage[]>([])
  const rows = ref<CounterRow[]>([])
  const livePhase = ref<LivePhase | null>('pre-prepare')
  const outcome = ref<RoundOutcome | null>(null)
  const nodeCount = ref(4)
  const scope = effectScope()
  const result = scope.run(() =>
    useRoundStage({
      nodeCount: () => nodeCount.value,
      f: () => Math.floor((nodeCount.value - 1) / 3),
      round: () => round.value,
      proposal: () => 'blue',
      trace: () => trace.value,
      rows: () => rows.value,
      livePhase: () => livePhase.value,
      outcome: () => outcome.value,
    }),
  )!
  return { result, round, trace, rows, livePhase, outcome, nodeCount, scope }
}

describe('useRoundStage', () => {
  it('follows the phase being played, then opens on the phase that failed', () => {
    const { result, trace, rows, livePhase, outcome, scope } = stage()
    expect(result.shownPhase.value).toBe('pre-prepare')
    livePhase.value = 'commit'
    expect(result.shownPhase.value).toBe('commit')
    const round = silentReplicaRound()
    trace.value = round.trace
    rows.value = round.rows
    livePhase.value = null
    outcome.value = round.outcome
    expect(result.story.value?.failurePhase).toBe('prepare')
    expect(result.shownPhase.value).toBe('prepare')
    expect(result.links.value.links).toHaveLength(6)
    scope.stop()
  })

  it('keeps the lecturer’s pick until the next round', async () => {
    const { result, round, scope } = stage()
    result.showPhase('commit')
    expect(result.shownPhase.value).toBe('commit')
    round.value = 2
    await nextTick()
    expect(result.shownPhase.value).toBe('pre-prepare')
    scope.stop()
  })

  it('draws each replica with the letter and colour of its value, and its count in the phase on show', () => {
    const { result, trace, rows, livePhase, scope } = stage()
    livePhase.value = 'prepare'
    trace.value = [message('pre-prepare', 0, 1), message('pre-prepare', 0, 2, { value: 'blue′', deliveredValue: 'blue′' })]
    rows.value = [row(0, { accepted: 'blue' }), row(1, { accepted: 'blue', prepares: 1 }), row(2, { accepted: 'blue′' }), row(3, { fault: 'silent' })]
    const [primary, one, two, three] = result.nodes.value
    expect(primary?.value?.letter).toBe('A')
    expect(one?.count).toEqual({ seen: 1, quorum: 2 })
    expect(two?.value).toEqual({ letter: 'B', colour: result.palette.value.styleOf('blue′').colour })
    expect(three).toMatchObject({ byzantine: true, count: null })
    expect(result.values.value).toEqual(['blue', 'blue′'])
    expect(result.progress.value).toMatchObject({ nodes: 4, honest: 3, needed: 3, prePrepared: 3, prepared: 0 })
    scope.stop()
  })

  it('describes the drawing in words (its text alternative), in the current language', async () => {
    const { result, trace, rows, livePhase, outcome, scope } = stage()
    const round = silentReplicaRound()
    trace.value = round.trace
    rows.value = round.rows
    livePhase.value = null
    outcome.value = round.outcome
    expect(result.description.value).toBe(
      'A network of 4 replicas; replica 0 is the primary. Prepare messages on show: 6 delivered, 0 dropped, 0 rejected as forged, 0 forged and accepted. Prepared but not committed: replica 0. Byzantine: replica 3.',
    )
    await locale('zh-CN', () => expect(result.description.value).toContain('拜占庭副本：副本 3。'))
    scope.stop()
  })

  it('spreads a large round’s counters instead of listing them', () => {
    const { result, rows, livePhase, nodeCount, scope } = stage()
    nodeCount.value = 40
    livePhase.value = 'prepare'
    rows.value = Array.from({ length: 40 }, (_, id) => row(id, { accepted: 'blue', prepares: 20 + (id % 7), prepareQuorum: 26, prepared: 20 + (id % 7) >= 26 }))
    expect(result.spread.value).toEqual({ phase: 'prepare', min: 20, max: 26, median: 23, quorum: 26, reached: 5, total: 40 })
    scope.stop()
  })
})
