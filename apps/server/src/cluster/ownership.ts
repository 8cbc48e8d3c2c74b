import type { SessionService } from '../sessions/sessionService'
import type { ClusterLink } from './link'
import { storageUnavailable } from './redisErrors'

/** Where a session lives, seen from this process. */
export type Where = { kind: 'local' } | { kind: 'remote'; owner: string } | { kind: 'missing' }

/** Session codes (and anything a client may type): a key suffix is only ever one of these. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/

/** The broadcast a new owner sends after a takeover (see InstanceLiveness). */
export interface AdoptedMessage {
  kind: 'adopted'
  sessionId: string
}

/**
 * One owner per session (its lease): where each session lives, and taking over the sessions
 * whose owner is gone, on traffic (`locate`) or by a periodic scan for running rounds nobody
 * owns (so bots and timers go on even if no client calls). A takeover loads the document and
 * restores the round from its log; the new owner then broadcasts `adopted`.
 */
export class Ownership {
  private readonly adopting = new Map<string, Promise<Where>>()
  private timer: NodeJS.Timeout | null = null
  private scanning = false
  private stopped = false

  constructor(
    private readonly link: ClusterLink,
    private readonly sessions: SessionService,
  ) {}

  /** Starts renewing the leases held here, and the takeover scan (every TTL, and once now). */
  start(): void {
    this.link.leases.start({
      onLost: (id) => this.sessions.release(id),
      stillNeeded: (id) => this.sessions.has(id) || this.adopting.has(id),
    })
    this.timer = setInterval(() => void this.scan(), this.link.ttlMs)
    void this.scan()
  }

  /** Stops renewing and scanning; from now on every session is `missing` here. */
  stop(): void {
    this.stopped = true
    this.link.leases.stop()
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  get isStopped(): boolean {
    return this.stopped
  }

  /** Where a session lives; takes it over when nobody owns it. */
  locate(id: string): Promise<Where> {
    if (!SESSION_ID.test(id) || this.stopped) return Promise.resolve({ kind: 'missing' })
    if (this.sessions.has(id)) return Promise.resolve({ kind: 'local' })
    const pending = this.adopting.get(id)
    if (pending) return pending
    const located = this.findOrAdopt(id)
      .catch((error: unknown) => Promise.reject(storageUnavailable(error)))
      .finally(() => this.adopting.delete(id))
    this.adopting.set(id, located)
    return located
  }

  /** Milliseconds the current owner's lease has left (≤ 0: none). */
  remainingMs(id: string): Promise<number> {
    return this.link.leases.remainingMs(id)
  }

  private async findOrAdopt(id: string): Promise<Where> {
    const { leases, instanceId, log } = this.link
    const owner = await leases.owner(id)
    if (owner !== null && owner !== instanceId) return { kind: 'remote', owner }
    if (!(await leases.acquire(id))) {
      const now = await leases.owner(id)
      return now === null ? { kind: 'missing' } : { kind: 'remote', owner: now }
    }
    const raw = await this.link.store.loadSession(id)
    if (raw === null) {
      await leases.release(id)
      return { kind: 'missing' }
    }
    try {
      this.sessions.adopt(raw)
    } catch (error) {
      log.warn(`cannot take over session ${id}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)
      await leases.release(id)
      return { kind: 'missing' }
    }
    log.info(`instance ${instanceId} now owns session ${id}`)
    // Sockets of this session on every instance tell the new owner who is online.
    const adopted: AdoptedMessage = { kind: 'adopted', sessionId: id }
    void this.link.rpc.broadcast(adopted).catch(() => undefined)
    return { kind: 'local' }
  }

  /** Running rounds nobody owns (their owner died) are taken over without waiting for traffic. */
  private async scan(): Promise<void> {
    if (this.scanning || this.stopped) return
    this.scanning = true
    const { store, redis, leases, log } = this.link
    try {
      const ids = (await store.sessionIds()).filter((id) => !this.sessions.has(id))
      if (ids.length === 0) return
      const owners = await redis.mget(ids.map((id) => leases.key(id)))
      for (const [i, id] of ids.entries()) {
        if (owners[i] !== null || this.stopped) continue
        const document = await store.loadSession(id)
        // Expired (SESSION_TTL_DAYS): its id leaves the set too.
        if (document === null) await store.forgetExpired(id)
        const running = typeof document === 'object' && document !== null && 'current' in document && document.current !== null
        if (running) await this.locate(id)
      }
    } catch (error) {
      log.warn(`session scan failed: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      this.scanning = false
    }
  }
}
