import type { Redis } from 'ioredis'

/** Extends the lease only while it is still ours (compare-and-set: another process may hold it now). */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`
/** Deletes the lease only while it is still ours. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

export interface LeaseOptions {
  keyPrefix: string
  instanceId: string
  ttlMs: number
  log: { warn(message: string): void }
}

/** What renewals report to, and ask: given to `start`, once the sessions they concern exist. */
export interface LeaseKeeper {
  /** A lease this process held is gone (another process took it, or renewals failed past the TTL). */
  onLost: (id: string) => void
  /** Leases held for ids that no longer need one (a deleted session): released at the next renewal. */
  stillNeeded: (id: string) => boolean
}

/**
 * One owner per session: `SET <prefix>:lease:<id> <instanceId> NX PX <ttl>`, renewed every
 * ttl/3 with a compare-and-set script, released (compare-and-delete) on a clean shutdown. A
 * process that cannot renew for a whole TTL assumes the lease lost and lets the session go,
 * because by then another process may have taken it.
 */
export class Leases {
  /** Held lease ids → when their last renewal was confirmed. */
  private readonly held = new Map<string, number>()
  private timer: NodeJS.Timeout | null = null
  private keeper: LeaseKeeper | null = null

  constructor(
    private readonly redis: Redis,
    private readonly options: LeaseOptions,
  ) {}

  key(id: string): string {
    return `${this.options.keyPrefix}:lease:${id}`
  }

  holds(id: string): boolean {
    return this.held.has(id)
  }

  /** The instance holding the lease, or null when nobody does. */
  owner(id: string): Promise<string | null> {
    return this.redis.get(this.key(id))
  }

  /** Milliseconds the current lease has left (≤ 0: none). */
  async remainingMs(id: string): Promise<number> {
    return this.redis.pttl(this.key(id))
  }

  /** Takes the lease if nobody holds it; true when this process holds it afterwards. */
  async acquire(id: string): Promise<boolean> {
    const { instanceId, ttlMs } = this.options
    const set = await this.redis.set(this.key(id), instanceId, 'PX', ttlMs, 'NX')
    if (set === 'OK' || (await this.redis.eval(RENEW, 1, this.key(id), instanceId, ttlMs)) === 1) {
      this.held.set(id, Date.now())
      return true
    }
    return false
  }

  async release(id: string): Promise<void> {
    this.held.delete(id)
    await this.redis.eval(RELEASE, 1, this.key(id), this.options.instanceId)
  }

  async releaseAll(): Promise<void> {
    const ids = [...this.held.keys()]
    this.held.clear()
    if (ids.length === 0) return
    const pipeline = this.redis.pipeline()
    for (const id of ids) pipeline.eval(RELEASE, 1, this.key(id), this.options.instanceId)
    await pipeline.exec()
  }

  /** Renews every held lease each third of the TTL, reporting to `keeper`. */
  start(keeper: LeaseKeeper): void {
    this.keeper = keeper
    this.timer ??= setInterval(() => void this.renewAll(), Math.max(10, Math.floor(this.options.ttlMs / 3)))
  }

  /** Stops renewing (a clean shutdown releases afterwards; a crash simply lets the leases expire). */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private async renewAll(): Promise<void> {
    const { instanceId, ttlMs } = this.options
    const ids = [...this.held.keys()]
    const stale = ids.filter((id) => this.keeper?.stillNeeded(id) === false)
    for (const id of stale) await this.release(id).catch(() => undefined)
    const live = ids.filter((id) => this.held.has(id))
    if (live.length === 0) return
    const started = Date.now()
    const pipeline = this.redis.pipeline()
    for (const id of live) pipeline.eval(RENEW, 1, this.key(id), instanceId, ttlMs)
    let results: [Error | null, unknown][] | null = null
    try {
      results = await pipeline.exec()
    } catch (error) {
      this.options.log.warn(`lease renewal failed: ${error instanceof Error ? error.message : String(error)}`)
    }
    live.forEach((id, i) => {
      if (!this.held.has(id)) return
      const result = results?.[i]
      if (result && result[0] === null) {
        if (result[1] === 1) this.held.set(id, started)
        else this.lose(id)
      } else if (Date.now() - (this.held.get(id) ?? 0) >= ttlMs) {
        // Unconfirmed for a whole TTL: another process may own it by now.
        this.lose(id)
      }
    })
  }

  private lose(id: string): void {
    this.held.delete(id)
    this.options.log.warn(`lost the lease of session ${id}: another process owns it now`)
    this.keeper?.onLost(id)
  }
}
