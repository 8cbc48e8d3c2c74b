/**
 * Work that is cheap per item but may have many items (theory tables, the theory column of a
 * big sweep) runs on the event loop in slices of a few milliseconds, so that sockets and other
 * requests are served in between.
 */
const SLICE_MS = 8

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** `items.map(fn)`, yielding to the event loop every SLICE_MS; an abort rejects between slices. */
export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T) => R, signal?: AbortSignal): Promise<R[]> {
  const results: R[] = []
  let sliceStart = performance.now()
  for (const item of items) {
    results.push(fn(item))
    if (performance.now() - sliceStart >= SLICE_MS) {
      await yieldToEventLoop()
      signal?.throwIfAborted()
      sliceStart = performance.now()
    }
  }
  return results
}
