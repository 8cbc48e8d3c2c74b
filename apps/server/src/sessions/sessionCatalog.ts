import type { LiveRound } from '@pbft/engine'
import { parseSessionDocument, type SessionDocument } from '@pbft/protocol'
import type { SessionStore } from '../store/sessionStore'
import type { Clock } from './clock'
import { SessionError } from './errors'
import { replaySliced } from './roundTraces'
import type { Session } from './session'
import { displayedRound } from './sessionDocument'

export const DAY_MS = 24 * 60 * 60 * 1000

/** How long stored sessions live and how many there may be (see docs/operations.md). */
export interface SessionLifetime {
  /** A session nothing changed in for this long expires (SESSION_TTL_DAYS, default 30 days). */
  ttlMs: number
  /** Stored sessions at most (MAX_SESSIONS, default 2000). */
  maxSessions: number
  /**
   * At the cap, the least recently active session idle for at least this long expires to make
   * room for a new one (default 1 day); when none has been idle that long, creating is refused
   * with 503 SERVER_FULL rather than expire a class in use.
   */
  evictIdleMs: number
}

export const DEFAULT_LIFETIME: SessionLifetime = { ttlMs: 30 * DAY_MS, maxSessions: 2000, evictIdleMs: DAY_MS }

export interface CatalogHooks {
  /** A live session of this document (whose displayed round is already replayed), resumed. */
  open(document: SessionDocument, replayed: LiveRound | undefined): Session
  /** An expiring live session: stop it and tell its audiences it is gone. */
  close(session: Session): void
  log: { info(message: string): void; warn(message: string): void }
}

interface StoredEntry {
  lastActiveAt: number
  running: boolean
}

/**
 * Which sessions exist and which are in memory. With a store that keeps an index (the file and
 * memory stores), only the index is read at start: a session's document is read, parsed and
 * its displayed round replayed (in slices) the first time someone uses it (`ensure`), and
 * sessions with a running round are loaded at once, so their rounds go on. Start-up time and
 * memory then depend on the sessions in use, not on the stored history. Stored sessions are
 * bounded in lifetime (idle ones expire) and in number (see SessionLifetime).
 *
 * Without an index (a cluster's Redis store: the cluster adopts sessions one by one), every
 * session is whatever the service was given.
 */
export class SessionCatalog {
  /** Sessions in memory, by id. */
  readonly live = new Map<string, Session>()
  private readonly stored = new Map<string, StoredEntry>()
  private readonly loading = new Map<string, Promise<boolean>>()
  /** Whether sessions are loaded on demand from the store's index. */
  private lazy = false
  private timer: NodeJS.Timeout | null = null
  private expiring = false
  readonly problems: string[] = []

  constructor(
    private readonly store: SessionStore,
    private readonly clock: Clock,
    private readonly lifetime: SessionLifetime,
    private readonly hooks: CatalogHooks,
  ) {}

  /** Reads the index (or, for stores without one, every document), expires idle sessions and resumes running rounds. */
  async start(): Promise<void> {
    const { store } = this
    if (store.sessionIndex && store.loadSession) {
      this.lazy = true
      for (const { id, lastActiveAt, running } of await store.sessionIndex()) this.stored.set(id, { lastActiveAt, running })
      await this.expireIdle()
      for (const [id, entry] of [...this.stored]) if (entry.running) await this.ensure(id)
      // Hourly (or 4 times per TTL when shorter); never keeps the process alive.
      this.timer = setInterval(() => void this.expireIdle(), Math.max(1000, Math.min(this.lifetime.ttlMs / 4, 60 * 60 * 1000)))
      this.timer.unref()
      return
    }
    for (const raw of await store.loadSessions()) {
      const id = typeof raw === 'object' && raw !== null && 'id' in raw ? String(raw.id) : '?'
      try {
        const document = parseSessionDocument(raw)
        this.live.set(document.id, this.hooks.open(document, undefined))
      } catch (error) {
        this.problem(`skipped stored session ${id}: ${firstLine(error)}`)
      }
    }
  }

  /** Stored sessions (in memory or not). */
  get storedCount(): number {
    return this.lazy ? this.stored.size : this.live.size
  }

  /** Loads a stored session the first time it is used; true once it is in memory. */
  ensure(sessionId: string): Promise<boolean> {
    const id = sessionId.toUpperCase()
    if (this.live.has(id)) return Promise.resolve(true)
    if (!this.lazy || !this.stored.has(id)) return Promise.resolve(false)
    let pending = this.loading.get(id)
    if (!pending) {
      pending = this.load(id).finally(() => this.loading.delete(id))
      this.loading.set(id, pending)
    }
    return pending
  }

  /** A new (or adopted) session, now live. */
  add(session: Session): void {
    this.live.set(session.id, session)
    if (this.lazy) this.stored.set(session.id, { lastActiveAt: this.clock.now(), running: session.running })
  }

  /** A session deleted (or given to another process). */
  remove(id: string): void {
    this.live.delete(id)
    this.stored.delete(id)
  }

  /** A session was saved: it is active now. */
  touched(session: Session): void {
    if (this.lazy && this.live.get(session.id) === session) this.stored.set(session.id, { lastActiveAt: this.clock.now(), running: session.running })
  }

  /**
   * Makes room for one more session: under the cap, nothing to do; at it, the least recently
   * active session idle for `evictIdleMs` expires, or 503 SERVER_FULL.
   */
  async makeRoom(): Promise<void> {
    if (!this.lazy || this.stored.size < this.lifetime.maxSessions) return
    const cutoff = this.clock.now() - this.lifetime.evictIdleMs
    let oldest: [string, StoredEntry] | null = null
    for (const entry of this.stored) {
      if (this.inUse(entry[0], entry[1]) || entry[1].lastActiveAt > cutoff) continue
      if (oldest === null || entry[1].lastActiveAt < oldest[1].lastActiveAt) oldest = entry
    }
    if (oldest === null) {
      throw new SessionError('SERVER_FULL', `this server keeps at most ${this.lifetime.maxSessions} sessions and all of them were used within a day: delete unused ones (DELETE /api/sessions/:id) or retry later`)
    }
    await this.expire(oldest[0], 'to make room for a new session (the cap was reached)')
  }

  /** Deletes the sessions nothing changed in for the TTL (not while a round runs or a phone is connected). */
  async expireIdle(): Promise<number> {
    if (!this.lazy || this.expiring) return 0
    this.expiring = true
    let expired = 0
    try {
      const cutoff = this.clock.now() - this.lifetime.ttlMs
      for (const [id, entry] of [...this.stored]) {
        if (entry.lastActiveAt >= cutoff || this.inUse(id, entry)) continue
        await this.expire(id, `idle since ${new Date(entry.lastActiveAt).toISOString()}`)
        expired++
      }
    } catch (error) {
      this.hooks.log.warn(`session expiry failed (retried later): ${firstLine(error)}`)
    } finally {
      this.expiring = false
    }
    return expired
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private inUse(id: string, entry: StoredEntry): boolean {
    const session = this.live.get(id)
    return entry.running || (session !== undefined && (session.running || session.onlineSeats().length > 0)) || this.loading.has(id)
  }

  private async expire(id: string, why: string): Promise<void> {
    const session = this.live.get(id)
    if (session) this.hooks.close(session)
    this.remove(id)
    await this.store.deleteSession(id)
    this.hooks.log.info(`session ${id} expired (${why})`)
  }

  private async load(id: string): Promise<boolean> {
    let raw: unknown
    try {
      raw = await this.store.loadSession?.(id)
    } catch (error) {
      throw new SessionError('STORAGE', `the server could not read session ${id}: ${firstLine(error)}`)
    }
    if (raw === null || raw === undefined) {
      this.stored.delete(id)
      return false
    }
    let document: SessionDocument
    try {
      document = parseSessionDocument(raw)
    } catch (error) {
      this.problem(`skipped stored session ${id}: ${firstLine(error)}`)
      this.stored.delete(id)
      return false
    }
    const record = displayedRound(document)
    const replayed = record ? await replaySliced(record) : undefined
    // Deleted, or loaded by another caller, while the round was replayed.
    if (this.live.has(id)) return true
    if (!this.stored.has(id)) return false
    this.live.set(id, this.hooks.open(document, replayed))
    return true
  }

  private problem(message: string): void {
    this.hooks.log.warn(message)
    this.problems.push(message)
    if (this.problems.length > 100) this.problems.shift()
  }
}

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)
}
