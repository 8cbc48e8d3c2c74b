import { describe, expect, it } from 'vitest'
import { CoalescingQueue, serialise, type StoreOperation } from '../../src/store/coalescingQueue'

/** A target whose operations finish when the test says so. */
function gatedQueue() {
  const done: string[] = []
  let release: (() => void) | null = null
  const queue = new CoalescingQueue<string>(async (target, operation) => {
    await new Promise<void>((resolve) => (release = resolve))
    if (operation.kind === 'write' && operation.data === 'boom') throw new Error('disk full')
    done.push(`${target}:${operation.kind === 'write' ? operation.data : 'delete'}`)
  })
  const step = async (): Promise<void> => {
    while (release === null) await new Promise((resolve) => setTimeout(resolve, 1))
    const go = release as () => void
    release = null
    go()
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  return { queue, done, step }
}

const write = (data: string): StoreOperation => ({ kind: 'write', data })

describe('CoalescingQueue', () => {
  it('runs one operation per key at a time and keeps only the newest waiting one', async () => {
    const { queue, done, step } = gatedQueue()
    const first = queue.enqueue('a', 'A', write('1'))
    const replaced = queue.enqueue('a', 'A', write('2'))
    const newest = queue.enqueue('a', 'A', write('3'))
    await step()
    await first
    await step()
    await Promise.all([replaced, newest])
    expect(done).toEqual(['A:1', 'A:3'])
    await queue.whenIdle()
  })

  it('rejects every caller whose change was in a failed operation, and only those', async () => {
    const { queue, step } = gatedQueue()
    // Settled from the start, so a rejection is never unhandled while the test steps the queue.
    const outcomes = Promise.allSettled([
      queue.enqueue('a', 'A', write('1')),
      queue.enqueue('a', 'A', write('x')),
      queue.enqueue('a', 'A', write('boom')),
    ])
    await step()
    await step()
    const [ok, failedA, failedB] = await outcomes
    expect(ok?.status).toBe('fulfilled')
    expect(failedA).toMatchObject({ status: 'rejected', reason: new Error('disk full') })
    expect(failedB).toMatchObject({ status: 'rejected', reason: new Error('disk full') })
  })

  it('is idle once every key has drained', async () => {
    const { queue, step } = gatedQueue()
    void queue.enqueue('a', 'A', write('1'))
    let idle = false
    const waiting = queue.whenIdle().then(() => (idle = true))
    expect(idle).toBe(false)
    await step()
    await waiting
    expect(idle).toBe(true)
  })
})

describe('serialise', () => {
  it('snapshots JSON and refuses what is not JSON', () => {
    expect(serialise({ a: 1 })).toBe('{"a":1}')
    expect(() => serialise(undefined)).toThrow(TypeError)
  })
})
