/**
 * Work that is cheap per item but may have many items (theory tables, the theory column of a
 * big sweep, encoding and decoding a stored experiment) runs on the event loop in slices of a
 * few milliseconds, so that sockets and other requests are served in between.
 */
export const SLICE_MS = 8

/** Sliced jobs waiting for their next turn, in arrival order. */
const waiting: (() => void)[] = []
let turnScheduled = false

/**
 * Resolves on a later turn of the event loop. Sliced jobs take turns: each turn resumes ONE
 * waiting job, so ten concurrent jobs do not run ten slices back to back (all callbacks queued
 * with setImmediate run in the same check phase, which would hold the loop ten times as long).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve)
    if (!turnScheduled) scheduleTurn()
  })
}

function scheduleTurn(): void {
  turnScheduled = true
  setImmediate(() => {
    turnScheduled = false
    const next = waiting.shift()
    // Scheduled from the check phase, the next turn comes after the next poll for I/O.
    if (waiting.length > 0) scheduleTurn()
    next?.()
  })
}

/**
 * Counts the time since the last pause: `due()` says when SLICE_MS have passed, `pause()` waits
 * for the next turn (an abort rejects there). Checking is cheap, so loops check every item.
 */
export class Slicer {
  private started = performance.now()

  constructor(private readonly signal?: AbortSignal) {}

  due(): boolean {
    return performance.now() - this.started >= SLICE_MS
  }

  async pause(): Promise<void> {
    await yieldToEventLoop()
    this.signal?.throwIfAborted()
    this.started = performance.now()
  }
}

/** `items.map(fn)`, yielding to the event loop every SLICE_MS; an abort rejects between slices. */
export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T) => R, signal?: AbortSignal): Promise<R[]> {
  const results: R[] = []
  const slicer = new Slicer(signal)
  for (const item of items) {
    results.push(fn(item))
    if (slicer.due()) await slicer.pause()
  }
  return results
}
