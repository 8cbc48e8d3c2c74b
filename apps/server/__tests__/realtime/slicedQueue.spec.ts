import { describe, expect, it } from 'vitest'
import { SlicedQueue } from '../../src/realtime/slicedQueue'

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Work that takes `ms` milliseconds of this thread. */
function busy(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spin
  }
}

describe('SlicedQueue', () => {
  it('runs nothing synchronously, then at least one job per turn, in order', async () => {
    const ran: number[] = []
    const queue = new SlicedQueue(0, () => undefined)
    for (let i = 0; i < 4; i++) queue.add(() => ran.push(i))
    expect(ran).toEqual([])
    await turn()
    expect(ran).toEqual([0])
    await turn()
    expect(ran).toEqual([0, 1])
    await turn()
    await turn()
    expect(ran).toEqual([0, 1, 2, 3])
    expect(queue.size).toBe(0)
  })

  it('runs quick jobs together within its budget', async () => {
    const ran: number[] = []
    const queue = new SlicedQueue(1000, () => undefined)
    for (let i = 0; i < 50; i++) queue.add(() => ran.push(i))
    await turn()
    expect(ran).toHaveLength(50)
  })

  it('yields once a slice is over budget', async () => {
    const ran: number[] = []
    const queue = new SlicedQueue(5, () => undefined)
    for (let i = 0; i < 6; i++) queue.add(() => (busy(4), ran.push(i)))
    await turn()
    expect(ran.length).toBeGreaterThanOrEqual(1)
    expect(ran.length).toBeLessThanOrEqual(2)
    for (let t = 0; t < 6; t++) await turn()
    expect(ran).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('counts what a job left to the microtask queue in its slice, before the next job runs', async () => {
    const ran: string[] = []
    const queue = new SlicedQueue(5, () => undefined)
    // Like engine.io's handshake: a little work now, the bulk after one await.
    const handshake = async (name: string): Promise<void> => {
      await undefined
      busy(4)
      ran.push(name)
    }
    for (const name of ['a', 'b', 'c', 'd']) queue.add(() => void handshake(name))
    await turn()
    // Two 4 ms continuations overrun a 5 ms slice (one may, on a loaded machine): the rest waits
    // for later turns. Without counting continuations, all four jobs would start in this slice.
    expect(ran.length).toBeGreaterThanOrEqual(1)
    expect(ran.length).toBeLessThanOrEqual(2)
    for (let t = 0; t < 4; t++) await turn()
    expect(ran).toEqual(['a', 'b', 'c', 'd'])
  })

  it('cancels a job not run yet, reports a throwing job and runs the rest, and clears', async () => {
    const ran: string[] = []
    const errors: unknown[] = []
    const queue = new SlicedQueue(1000, (error) => errors.push(error))
    queue.add(() => ran.push('a'))
    const cancel = queue.add(() => ran.push('b'))
    queue.add(() => {
      throw new Error('boom')
    })
    queue.add(() => ran.push('c'))
    cancel()
    await turn()
    expect(ran).toEqual(['a', 'c'])
    expect(errors).toHaveLength(1)
    queue.add(() => ran.push('d'))
    queue.clear()
    await turn()
    expect(ran).toEqual(['a', 'c'])
  })
})
