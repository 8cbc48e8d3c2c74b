import { DomainError } from '../errors/domainError'

/**
 * What one client address may ask of the experiment routes. Whatever an anonymous client can
 * create must be bounded: on a campus network every phone's script is such a client. The
 * address is the connection's (no proxy header is trusted), so a class behind one NAT shares it.
 */
export interface ExperimentQuotas {
  /** Experiments one address may create per sliding window (default 20 per 10 minutes); null: no limit. */
  creations: { max: number; windowMs: number } | null
  /** Experiments one address may have running at once (default 1); null: no limit. */
  runningPerClient: number | null
  /**
   * Costly reads one address may have in flight at once (default 2): a finished experiment that
   * must be read from the store and encoded, a theory table. null: no limit.
   */
  heavyReads: number | null
}

export const DEFAULT_EXPERIMENT_QUOTAS: ExperimentQuotas = {
  creations: { max: 20, windowMs: 10 * 60_000 },
  runningPerClient: 1,
  heavyReads: 2,
}

/** Above this many tracked addresses, expired ones are swept on the next call. */
const SWEEP_ABOVE = 1000

/**
 * Remembers when each address created its experiments (sliding window). `reserve` is called
 * before anything is created, so that concurrent requests cannot overshoot; the function it
 * returns gives the slot back when creating failed.
 */
export class CreationWindow {
  private readonly created = new Map<string, number[]>()

  constructor(
    private readonly limit: ExperimentQuotas['creations'],
    private readonly now: () => number = () => Date.now(),
  ) {}

  reserve(client: string): () => void {
    if (this.limit === null) return () => undefined
    const { max, windowMs } = this.limit
    const now = this.now()
    if (this.created.size > SWEEP_ABOVE) {
      for (const [address, times] of this.created) if (!times.some((time) => time > now - windowMs)) this.created.delete(address)
    }
    const times = (this.created.get(client) ?? []).filter((time) => time > now - windowMs)
    this.created.set(client, times)
    if (times.length >= max) {
      const retry = Math.max(1, Math.ceil(((times[0] ?? now) + windowMs - now) / 1000))
      throw new DomainError(
        'EXPERIMENT_LIMIT',
        `too many experiments created from this address: at most ${max} per ${Math.round(windowMs / 60_000)} min; retry in ${retry} s`,
      )
    }
    times.push(now)
    return () => {
      const index = times.lastIndexOf(now)
      if (index >= 0) times.splice(index, 1)
    }
  }
}

/** Counts each address's costly reads in flight; `enter` throws 429 TOO_MANY_READS beyond the limit. */
export class ConcurrentReads {
  private readonly inFlight = new Map<string, number>()

  constructor(private readonly limit: number | null) {}

  /** Takes a slot for `client`; call the returned function (once) when the read is over. */
  enter(client: string): () => void {
    if (this.limit === null) return () => undefined
    const count = this.inFlight.get(client) ?? 0
    if (count >= this.limit) {
      throw new DomainError('TOO_MANY_READS', `this address already has ${count} costly reads in flight, the most at once; retry when one has been answered`)
    }
    this.inFlight.set(client, count + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.inFlight.get(client) ?? 1) - 1
      if (left > 0) this.inFlight.set(client, left)
      else this.inFlight.delete(client)
    }
  }
}
