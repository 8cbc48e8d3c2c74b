import { createAdapter } from '@socket.io/redis-streams-adapter'
import { Redis } from 'ioredis'

type Log = { warn(message: string): void }

/**
 * The cluster's Redis connections: the main one (commands, leases, documents), and every
 * duplicate made from it (the RPC subscriber, the Socket.IO adapter's readers), which log like
 * it and close with it.
 */
export class RedisConnections {
  /** Connections made from the main one: closed with it. */
  private readonly duplicates = new Set<Redis>()

  private constructor(
    readonly redis: Redis,
    private readonly log: Log,
  ) {
    this.watch(redis)
  }

  /** Connects (failing start-up with a clear message when it cannot). */
  static async connect(url: string, log: Log): Promise<RedisConnections> {
    // While Redis is away a command waits for at most two reconnection attempts (≤ 0.5 s
    // apart, so ~1 s) and then fails: clients get 503 STORAGE quickly rather than an
    // acknowledgement that hangs for the ~10 s ioredis's growing back-off would add up to.
    const redis = new Redis(url, { maxRetriesPerRequest: 2, retryStrategy: (times) => Math.min(times * 100, 500), lazyConnect: true })
    const connections = new RedisConnections(redis, log)
    try {
      await redis.connect()
      await redis.ping()
    } catch (error) {
      redis.disconnect()
      throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${error instanceof Error ? error.message : String(error)}`)
    }
    return connections
  }

  /** A new connection with the main one's settings (e.g. a subscriber). */
  duplicate(): Redis {
    return this.redis.duplicate()
  }

  /** The Socket.IO adapter that carries room emits between processes, on stream `<keyPrefix>:socket.io`. */
  adapter(keyPrefix: string): ReturnType<typeof createAdapter> {
    return createAdapter(this.redis, { streamName: `${keyPrefix}:socket.io` })
  }

  /** After everything that uses them has stopped. */
  async disconnect(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect())
    for (const copy of this.duplicates) copy.disconnect()
  }

  /**
   * Logs connection errors (at most one line per 10 s per connection) instead of ioredis's
   * "unhandled error" noise, and makes every duplicate (the adapter makes its own) do the same
   * and close when the main connection does.
   */
  private watch(redis: Redis): Redis {
    let last = 0
    redis.on('error', (error: Error) => {
      if (Date.now() - last < 10_000) return
      last = Date.now()
      this.log.warn(`Redis connection: ${error.message}`)
    })
    const duplicate = redis.duplicate.bind(redis)
    redis.duplicate = (override) => {
      const copy = this.watch(duplicate(override))
      this.duplicates.add(copy)
      return copy
    }
    return redis
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@')
}
