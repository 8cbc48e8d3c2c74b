import { describe, expect, it } from 'vitest'
import { SaveQueue } from '../../src/sessions/saveQueue'

describe('SaveQueue', () => {
  it('coalesces requests made before the save starts into one save', async () => {
    const saved: string[] = []
    const queue = new SaveQueue(async (id) => void saved.push(id), 10_000)
    const waits = [queue.request('A', false), queue.request('A', false), queue.request('A', true), queue.request('B', true)]
    await Promise.all(waits)
    expect(saved.sort()).toEqual(['A', 'B'])
  })

  it('an urgent request does not wait for the relaxed delay', async () => {
    let saves = 0
    const queue = new SaveQueue(async () => void saves++, 60_000)
    void queue.request('A', false)
    const started = performance.now()
    await queue.request('A', true)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(saves).toBe(1)
  })

  it('starts an urgent save once the current task is done, before the event loop turns', async () => {
    const saved: string[] = []
    const queue = new SaveQueue(async (id) => void saved.push(id), 60_000)
    let turned = false
    setImmediate(() => (turned = true))
    const wait = queue.request('A', true)
    // Changes made later in the same task are still in it: the save has not started yet.
    expect(saved).toEqual([])
    void queue.request('A', true)
    await Promise.resolve()
    expect(saved).toEqual(['A'])
    expect(turned).toBe(false)
    await wait
  })

  it('passes a failed save to every waiter, and flush waits for everything', async () => {
    const queue = new SaveQueue(async () => {
      throw new Error('disk full')
    }, 60_000)
    const waits = [queue.request('A', false), queue.request('A', false)]
    await queue.flush()
    for (const wait of waits) await expect(wait).rejects.toThrow('disk full')
  })
})
