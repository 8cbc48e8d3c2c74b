import { describe, expect, it } from 'vitest'
import { mapInSlices } from '../../src/experiments/slices'

function busy(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // spin: a stand-in for a costly theory point
  }
}

describe('mapInSlices', () => {
  it('maps in order and lets the event loop run between slices', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 0)
    const results = await mapInSlices(Array.from({ length: 40 }, (_, i) => i), (i) => {
      busy(1)
      return i * 2
    })
    clearInterval(timer)
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * 2))
    // ~40 ms of work in slices of 8 ms: the timer got to run in between.
    expect(ticks).toBeGreaterThanOrEqual(2)
  })

  it('stops between slices when aborted', async () => {
    const controller = new AbortController()
    const run = mapInSlices(Array.from({ length: 100 }, (_, i) => i), (i) => {
      busy(1)
      if (i === 5) controller.abort(new Error('stop'))
      return i
    }, controller.signal)
    await expect(run).rejects.toThrow('stop')
  })
})

describe('concurrent sliced jobs', () => {
  it('take turns: one slice per turn of the event loop, whatever the number of jobs', async () => {
    // A timer callback runs once per turn of the loop (each slice is longer than its 1 ms
    // period): it numbers the turns. All slices queued with a bare setImmediate used to run in
    // one check phase, so three jobs held the loop for three slices at a time.
    let turn = 0
    const timer = setInterval(() => turn++, 1)
    const turns: number[][] = [[], [], []]
    const job = (j: number) =>
      mapInSlices(Array.from({ length: 12 }, (_, i) => i), (i) => {
        if (i > 0) turns[j]?.push(turn)
        busy(5)
        return i
      })
    await Promise.all([job(0), job(1), job(2)])
    clearInterval(timer)
    // Turn 0 is the one that started all three (their first slices run at once, on the call);
    // after that, no two jobs' slices may share a turn.
    const byTurn = new Map<number, Set<number>>()
    turns.forEach((seen, j) => seen.forEach((t) => byTurn.set(t, (byTurn.get(t) ?? new Set()).add(j))))
    byTurn.delete(0)
    expect(byTurn.size).toBeGreaterThanOrEqual(9)
    expect([...byTurn.entries()].filter(([, jobs]) => jobs.size > 1)).toEqual([])
  })
})

