/**
 * The answers of finished experiments (`GET /api/experiments/:id`, JSON bytes). A finished
 * record never changes, so its answer is encoded once and served as is: re-encoding a
 * 10,000-point record for every anonymous call cost 100+ ms of the event loop each time.
 *
 * Bounded three ways: at most `maxBytes` of answers are kept (least recently used dropped);
 * concurrent requests for one answer share one load; at most `maxLoads` loads (reading a
 * document from the store and encoding it, in slices) run at once, the others wait their turn.
 */
export class AnswerCache {
  private readonly answers = new Map<string, Buffer>()
  private bytes = 0
  private readonly loading = new Map<string, Promise<Buffer | null>>()
  private loads = 0
  private readonly waiting: (() => void)[] = []

  constructor(
    private readonly maxBytes: number,
    private readonly maxLoads = 2,
  ) {}

  /** The kept answer, if any (it becomes the most recently used). */
  peek(id: string): Buffer | undefined {
    const answer = this.answers.get(id)
    if (answer !== undefined) {
      this.answers.delete(id)
      this.answers.set(id, answer)
    }
    return answer
  }

  /** Whether the answer is kept or being loaded: serving it costs no new load. */
  has(id: string): boolean {
    return this.answers.has(id) || this.loading.has(id)
  }

  /** Keeps an answer (one larger than the whole budget is not kept). */
  put(id: string, answer: Buffer): void {
    this.forget(id)
    if (answer.byteLength > this.maxBytes) return
    this.answers.set(id, answer)
    this.bytes += answer.byteLength
    for (const [oldest, kept] of this.answers) {
      if (this.bytes <= this.maxBytes) break
      this.answers.delete(oldest)
      this.bytes -= kept.byteLength
    }
  }

  forget(id: string): void {
    const kept = this.answers.get(id)
    if (kept === undefined) return
    this.answers.delete(id)
    this.bytes -= kept.byteLength
  }

  /** The kept answer, or `load`'s (kept when not null): one load per id at a time, `maxLoads` in all. */
  get(id: string, load: () => Promise<Buffer | null>): Promise<Buffer | null> {
    const kept = this.peek(id)
    if (kept !== undefined) return Promise.resolve(kept)
    let loading = this.loading.get(id)
    if (loading === undefined) {
      loading = this.withLoadSlot(load)
        .then((answer) => {
          if (answer !== null) this.put(id, answer)
          return answer
        })
        .finally(() => this.loading.delete(id))
      this.loading.set(id, loading)
    }
    return loading
  }

  /** Diagnostics (tests): what is kept. */
  get size(): { answers: number; bytes: number } {
    return { answers: this.answers.size, bytes: this.bytes }
  }

  private async withLoadSlot<T>(work: () => Promise<T>): Promise<T> {
    while (this.loads >= this.maxLoads) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.loads++
    try {
      return await work()
    } finally {
      this.loads--
      this.waiting.shift()?.()
    }
  }
}
