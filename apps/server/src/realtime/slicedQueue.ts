/**
 * Runs queued jobs a slice at a time: at least one job per turn of the event loop, then more
 * while the slice is younger than `budgetMs`, the rest in later turns. A class joining at once
 * brings a hundred connections in the same poll phase; handing each its rooms and first views
 * in one go held the loop for 50–90 ms, in slices acts and timers are served in between.
 */
export class SlicedQueue {
  private readonly jobs = new Set<() => void>()
  private turn: ReturnType<typeof setImmediate> | null = null

  constructor(
    private readonly budgetMs: number,
    /** A job that throws is reported here; the others still run. */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Queues a job; returns a function that removes it if it has not run yet. */
  add(job: () => void): () => void {
    this.jobs.add(job)
    this.turn ??= setImmediate(() => void this.drain())
    return () => this.jobs.delete(job)
  }

  get size(): number {
    return this.jobs.size
  }

  /** Drops every job not run yet (shutting down). */
  clear(): void {
    this.jobs.clear()
    if (this.turn) clearImmediate(this.turn)
    this.turn = null
  }

  private async drain(): Promise<void> {
    this.turn = null
    const started = performance.now()
    let ran = 0
    for (const job of this.jobs) {
      if (ran > 0 && performance.now() - started > this.budgetMs) break
      this.jobs.delete(job)
      ran++
      try {
        job()
      } catch (error) {
        this.onError(error)
      }
      // What the job left to the microtask queue runs before the next job, and counts in this
      // slice: engine.io's handshake awaits once, and its continuation (the transport, the
      // open packet) is most of the work. Without this, a slice admitted thirty handshakes in
      // its 3 ms and their continuations took another 10 ms after it.
      await undefined
    }
    if (this.jobs.size > 0) this.turn ??= setImmediate(() => void this.drain())
  }
}
