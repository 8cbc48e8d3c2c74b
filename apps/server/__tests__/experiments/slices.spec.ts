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
