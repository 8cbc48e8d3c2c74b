import { describe, expect, it, vi } from 'vitest'
import { effectScope, ref } from 'vue'
import type { TracedMessage } from '@pbft/protocol'
import { mergeTrace } from '../../src/composables/useHostSession'
import { replayInterval, useReplay } from '../../src/composables/useReplay'
import { concurrencyFor, flightPosition, useTopologyAnimation } from '../../src/composables/useTopologyAnimation'

const message = (index: number): TracedMessage => ({
  index,
  phase: 'prepare',
  from: 1,
  to: 2,
  view: 0,
  value: 'v',
  deliveredValue: 'v',
  digest: 'd',
  mac: 'm',
  status: 'delivered',
  counted: true,
  ignoredReason: null,
})
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => message(from + i))

describe('mergeTrace', () => {
  it('appends deltas, replaces on a new round, and reports gaps', () => {
    let merged = mergeTrace({ round: null, messages: [] }, { round: 1, trace: { from: 0, total: 3, messages: range(0, 3) } })
    expect(merged.state.messages.map((m) => m.index)).toEqual([0, 1, 2])
    expect(merged.added).toHaveLength(3)
    merged = mergeTrace(merged.state, { round: 1, trace: { from: 3, total: 5, messages: range(3, 5) } })
    expect(merged.state.messages.map((m) => m.index)).toEqual([0, 1, 2, 3, 4])
    expect(merged.added.map((m) => m.index)).toEqual([3, 4])
    // Overlapping delta: keeps slice(0, from).
    merged = mergeTrace(merged.state, { round: 1, trace: { from: 4, total: 6, messages: range(4, 6) } })
    expect(merged.state.messages.map((m) => m.index)).toEqual([0, 1, 2, 3, 4, 5])
    expect(merged.added.map((m) => m.index)).toEqual([5])
    // A gap: nothing applied.
    const gap = mergeTrace(merged.state, { round: 1, trace: { from: 9, total: 10, messages: range(9, 10) } })
    expect(gap.gap).toBe(true)
    expect(gap.state).toBe(merged.state)
    // The full view after session:sync: only what is new is animated.
    const synced = mergeTrace(merged.state, { round: 1, trace: { from: 0, total: 10, messages: range(0, 10) } })
    expect(synced.added.map((m) => m.index)).toEqual([6, 7, 8, 9])
    // A new round starts afresh.
    const next = mergeTrace(synced.state, { round: 2, trace: { from: 0, total: 1, messages: range(0, 1) } })
    expect(next.state).toEqual({ round: 2, messages: range(0, 1) })
    expect(next.added).toHaveLength(1)
  })
})

describe('useReplay', () => {
  it('plays to the end at the chosen speed, steps and seeks', () => {
    vi.useFakeTimers()
    const scope = effectScope()
    const trace = ref(range(0, 20))
    const player = scope.run(() => useReplay(trace))!
    const seen: number[] = []
    player.onAdvance((messages) => seen.push(...messages.map((m) => m.index)))
    expect(replayInterval(20)).toBe(350)
    player.step(1)
    expect(player.position.value).toBe(1)
    player.speed.value = 4
    player.play()
    vi.advanceTimersByTime(350 / 4 + 1)
    expect(player.position.value).toBe(2)
    vi.advanceTimersByTime(10_000)
    expect(player.position.value).toBe(20)
    expect(player.finished.value).toBe(true)
    expect(player.playing.value).toBe(false)
    expect(seen).toEqual(range(0, 20).map((m) => m.index))
    player.seek(5)
    expect(player.position.value).toBe(5)
    player.step(-1)
    expect(player.position.value).toBe(4)
    player.play()
    player.pause()
    player.restart()
    expect(player.position.value).toBe(0)
    scope.stop()
    vi.useRealTimers()
  })

  it('batches messages of big rounds so a round lasts about 8 s at 1×', () => {
    expect(replayInterval(20_000)).toBe(12)
    expect(replayInterval(0)).toBe(350)
  })
})

describe('the topology animation', () => {
  it('moves dropped messages halfway and fades them, bounces rejected ones back', () => {
    expect(flightPosition('delivered', 0.5)).toEqual({ along: 0.5, opacity: 1, mark: 'none' })
    expect(flightPosition('dropped', 0.75)).toMatchObject({ along: 0.5, mark: 'drop' })
    expect(flightPosition('dropped', 0.75).opacity).toBeCloseTo(0.5)
    expect(flightPosition('rejected', 0.7).along).toBeCloseTo(0.88)
    expect(flightPosition('rejected', 1)).toMatchObject({ mark: 'reject' })
    expect(flightPosition('rejected', 1).along).toBeCloseTo(0.7)
  })

  it('caps the messages in flight and skips an old backlog', () => {
    let time = 0
    const frames: (() => void)[] = []
    const scope = effectScope()
    const animation = scope.run(() =>
      useTopologyAnimation({
        maxConcurrent: () => 4,
        maxBacklog: () => 10,
        duration: () => 100,
        now: () => time,
        requestFrame: (callback) => frames.push(callback),
        cancelFrame: () => undefined,
      }),
    )!
    animation.enqueue(range(0, 20))
    expect(animation.skipped.value).toBe(10)
    frames.shift()?.()
    expect(animation.flying.value).toHaveLength(4)
    time = 1000
    frames.shift()?.()
    expect(animation.flying.value).toHaveLength(4)
    expect(concurrencyFor(4)).toBeGreaterThan(concurrencyFor(100))
    scope.stop()
  })
})
