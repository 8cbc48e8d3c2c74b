interface Waiter {
  resolve: () => void
  reject: (error: unknown) => void
}

interface Scheduled {
  urgent: boolean
  cancel: () => void
  waiters: Waiter[]
}

/**
 * Coalesces session saves. A change asks for a save; requests made before the save starts
 * share it, and its document is built only then, so a burst of bot moves costs one
 * serialisation. Bots' moves may wait `relaxedMs`; a human's move is urgent (its
 * acknowledgement waits for the save): it is saved once the current task's changes are made,
 * and an urgent request pulls a waiting save forward.
 */
export class SaveQueue {
  private readonly scheduled = new Map<string, Scheduled>()
  private readonly inFlight = new Set<Promise<void>>()

  constructor(
    private readonly save: (sessionId: string) => Promise<void>,
    private readonly relaxedMs: number,
  ) {}

  request(sessionId: string, urgent: boolean): Promise<void> {
    let entry = this.scheduled.get(sessionId)
    if (entry && urgent && !entry.urgent) {
      entry.cancel()
      entry = this.schedule(sessionId, true, entry.waiters)
    }
    entry ??= this.schedule(sessionId, urgent, [])
    const waiters = entry.waiters
    return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }))
  }

  /** Starts every waiting save now and resolves when all saves settled. */
  async flush(): Promise<void> {
    for (const [id, entry] of [...this.scheduled]) {
      entry.cancel()
      this.run(id, entry.waiters)
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }

  private schedule(sessionId: string, urgent: boolean, waiters: Waiter[]): Scheduled {
    const fire = (): void => this.run(sessionId, waiters)
    let cancel: () => void
    if (urgent) {
      // A microtask, not a turn of the event loop: the journal batches the saves of one turn
      // itself (see Journal.flush), and a save scheduled from the check phase would otherwise
      // reach the journal only in the next one, a whole poll phase later.
      let cancelled = false
      queueMicrotask(() => {
        if (!cancelled) fire()
      })
      cancel = () => {
        cancelled = true
      }
    } else {
      const handle = setTimeout(fire, this.relaxedMs)
      cancel = () => clearTimeout(handle)
    }
    const entry = { urgent, cancel, waiters }
    this.scheduled.set(sessionId, entry)
    return entry
  }

  private run(sessionId: string, waiters: Waiter[]): void {
    this.scheduled.delete(sessionId)
    let saving: Promise<void>
    try {
      saving = this.save(sessionId)
    } catch (error) {
      saving = Promise.reject(error)
    }
    const settled = saving.then(
      () => waiters.forEach((waiter) => waiter.resolve()),
      (error: unknown) => waiters.forEach((waiter) => waiter.reject(error)),
    )
    this.inFlight.add(settled)
    void settled.finally(() => this.inFlight.delete(settled))
  }
}
