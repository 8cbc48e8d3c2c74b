import fp from 'fastify-plugin'
import { DomainError } from '../errors/domainError'

/**
 * Per-client limits on REST calls that allocate server state. Sessions live in memory (and in
 * the store) until deleted, so one client looping on `POST /api/sessions` could fill both; each
 * client address may create at most `maxSessions` sessions in any `windowMs` (sliding window).
 * Going over answers `429 { "error": { "code": "TOO_MANY_SESSIONS", … } }`.
 */
export interface SessionsPerClientLimit {
  /** Sessions one client address may create per window (default 20). */
  maxSessions: number
  /** The sliding window in milliseconds (default 10 minutes). */
  windowMs: number
}

export const DEFAULT_SESSIONS_PER_CLIENT: SessionsPerClientLimit = { maxSessions: 20, windowMs: 10 * 60_000 }

/** Above this many tracked addresses, expired ones are swept on the next call. */
const SWEEP_ABOVE = 1000

/**
 * Remembers when each client address created its sessions. `reserve` is called before the
 * session is created (so concurrent requests cannot overshoot); `release` gives the slot back
 * when creating failed.
 */
export class SessionCreationLimiter {
  private readonly created = new Map<string, number[]>()

  constructor(
    private readonly limit: SessionsPerClientLimit | null,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Takes one slot for `client`, or throws TOO_MANY_SESSIONS; returns the function that gives it back. */
  reserve(client: string): () => void {
    if (this.limit === null) return () => {}
    const { maxSessions, windowMs } = this.limit
    const now = this.now()
    if (this.created.size > SWEEP_ABOVE) this.sweep(now - windowMs)
    const times = (this.created.get(client) ?? []).filter((time) => time > now - windowMs)
    if (times.length >= maxSessions) {
      this.created.set(client, times)
      const retry = Math.max(1, Math.ceil(((times[0] ?? now) + windowMs - now) / 1000))
      throw new DomainError(
        'TOO_MANY_SESSIONS',
        `too many sessions created from this address: at most ${maxSessions} per ${formatWindow(windowMs)}; delete unused ones or retry in ${retry} s`,
      )
    }
    times.push(now)
    this.created.set(client, times)
    return () => {
      const index = times.lastIndexOf(now)
      if (index >= 0) times.splice(index, 1)
    }
  }

  private sweep(oldest: number): void {
    for (const [client, times] of this.created) {
      if (!times.some((time) => time > oldest)) this.created.delete(client)
    }
  }
}

function formatWindow(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

/** How many unknown session codes one client may look up: a burst, then a steady rate. */
export interface LookupsPerClientLimit {
  /** Misses allowed at once (default 30: a class mistyping codes never gets near it). */
  burst: number
  /** Misses regained per second (default 1). */
  perSecond: number
}

export const DEFAULT_LOOKUPS_PER_CLIENT: LookupsPerClientLimit = { burst: 30, perSecond: 1 }

/**
 * Session codes are short (~8.9·10^8 of them) and a code lets anyone claim a free seat, so a
 * client that keeps asking for codes that do not exist is guessing. Each client address has a
 * bucket of misses (REST 404s for an unknown session, socket handshakes to one); once it is
 * empty, every lookup by code from that address is refused with 429 TOO_MANY_LOOKUPS (hits
 * too, or the answers would still tell which codes exist) until the bucket refills.
 */
export class LookupLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private readonly limit: LookupsPerClientLimit | null,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Throws TOO_MANY_LOOKUPS while `client` has no misses left. */
  check(client: string): void {
    if (this.limit === null) return
    const bucket = this.refill(client)
    if (bucket !== undefined && bucket.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond))
      throw new DomainError('TOO_MANY_LOOKUPS', `too many unknown session codes from this address: retry in ${wait} s`)
    }
  }

  /** `client` asked for a session that does not exist. */
  miss(client: string): void {
    if (this.limit === null) return
    if (this.buckets.size > SWEEP_ABOVE) this.sweep()
    const bucket = this.refill(client) ?? { tokens: this.limit.burst, at: this.now() }
    bucket.tokens = Math.max(0, bucket.tokens - 1)
    this.buckets.set(client, bucket)
  }

  private refill(client: string): { tokens: number; at: number } | undefined {
    const bucket = this.buckets.get(client)
    if (bucket === undefined || this.limit === null) return bucket
    const now = this.now()
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond)
    bucket.at = now
    return bucket
  }

  /** Full buckets carry no information: forgotten, so the map stays small. */
  private sweep(): void {
    for (const client of [...this.buckets.keys()]) {
      const bucket = this.refill(client)
      if (bucket !== undefined && this.limit !== null && bucket.tokens >= this.limit.burst) this.buckets.delete(client)
    }
  }
}

export interface ClientLimitOptions {
  /** Sessions one client address may create per window (default 20 per 10 min); null: no limit. */
  sessionsPerClient?: SessionsPerClientLimit | null
  /** Unknown session codes one client address may look up (default a burst of 30, then 1/s); null: no limit. */
  lookupsPerClient?: LookupsPerClientLimit | null
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Per-client-address limits of the session routes and socket handshakes. */
    clientLimits: { sessionCreations: SessionCreationLimiter; lookups: LookupLimiter }
  }
}

/**
 * The per-client limits, in front of the session service (which knows nothing of client
 * addresses): REST routes and socket handshakes share the lookups' buckets.
 */
export const clientLimits = fp<ClientLimitOptions>(
  async (app, options) => {
    app.decorate('clientLimits', {
      sessionCreations: new SessionCreationLimiter(options.sessionsPerClient === undefined ? DEFAULT_SESSIONS_PER_CLIENT : options.sessionsPerClient),
      lookups: new LookupLimiter(options.lookupsPerClient === undefined ? DEFAULT_LOOKUPS_PER_CLIENT : options.lookupsPerClient),
    })
  },
  { fastify: '5.x', name: 'pbft-client-limits' },
)
