import { SerialisedDocument } from './sessionStore'

/** A write or a delete of one stored document. */
export type StoreOperation = { kind: 'write'; data: string } | { kind: 'delete' }

interface Waiter {
  resolve: () => void
  reject: (error: unknown) => void
}

/** The queue of one document: at most one operation in flight, and only the newest one waiting. */
interface Slot<T> {
  target: T
  next: { operation: StoreOperation; waiters: Waiter[] } | null
  running: boolean
}

/**
 * Serialises and coalesces the writes of every store: per document, one operation runs at a
 * time and only the newest waiting one is kept — the callers it replaced wait for it, since it
 * contains their change too. A burst of saves to one session therefore costs at most two writes.
 */
export class CoalescingQueue<T> {
  private readonly slots = new Map<string, Slot<T>>()
  private readonly idle = new Set<() => void>()

  /** `perform` does one operation on the document `target` (the file, the Redis key …). */
  constructor(private readonly perform: (target: T, operation: StoreOperation) => Promise<void>) {}

  /** Resolves once `operation`, or a newer one on the same key, is done; rejects if that fails. */
  enqueue(key: string, target: T, operation: StoreOperation): Promise<void> {
    let slot = this.slots.get(key)
    if (!slot) {
      slot = { target, next: null, running: false }
      this.slots.set(key, slot)
    }
    const current = slot
    const promise = new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject }
      current.next = current.next ? { operation, waiters: [...current.next.waiters, waiter] } : { operation, waiters: [waiter] }
    })
    if (!current.running) void this.drain(key, current)
    return promise
  }

  /** Resolves once no operation is queued or running. */
  async whenIdle(): Promise<void> {
    while (this.slots.size > 0) await new Promise<void>((resolve) => this.idle.add(resolve))
  }

  private async drain(key: string, slot: Slot<T>): Promise<void> {
    slot.running = true
    while (slot.next) {
      const { operation, waiters } = slot.next
      slot.next = null
      try {
        await this.perform(slot.target, operation)
        for (const waiter of waiters) waiter.resolve()
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error)
      }
    }
    slot.running = false
    this.slots.delete(key)
    if (this.slots.size === 0) {
      for (const resolve of this.idle) resolve()
      this.idle.clear()
    }
  }
}

/** Snapshot now: the caller may go on mutating its object while the write waits. */
export function serialise(document: unknown): string {
  if (document instanceof SerialisedDocument) return document.json
  const data = JSON.stringify(document)
  if (data === undefined) throw new TypeError('a stored document must be JSON (got undefined or a function)')
  return data
}
