import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { createAdapter } from '@socket.io/redis-streams-adapter'
import type { Redis } from 'ioredis'
import { DEFAULT_LIFETIME } from '../sessions/sessionCatalog'
import type { SessionOwnership } from '../sessions/serviceOptions'
import { RedisSessionStore } from '../store/redisSessionStore'
import { ClusterExperiments } from './experiments'
import { Leases } from './lease'
import { storageUnavailable } from './redisErrors'
import { RedisConnections } from './redisConnections'
import { RedisRpc } from './rpc'

export interface ClusterOptions {
  /** redis:// or rediss:// URL (REDIS_URL). */
  redisUrl: string
  /** This process's name in leases and forwarding (INSTANCE_ID; default host-pid-random). */
  instanceId?: string
  /** How long an owner's lease lasts without renewal (default 10 s); renewed every third of it. */
  leaseTtlMs?: number
  /** How long a forwarded request may wait for the owner's answer (default 5 s). */
  forwardTimeoutMs?: number
  /** Prefix of every Redis key and channel (default `pbft`). */
  keyPrefix?: string
  /** Session documents expire this long after their last save (SESSION_TTL_DAYS; default 30 days). */
  sessionTtlMs?: number
}

export type ClusterLog = { info(message: string): void; warn(message: string): void; error(message: string): void }

/**
 * What the services of a cluster member stand on, built before them: the Redis connections,
 * the sessions' store (fenced by the leases), the leases, the RPC channel between instances
 * and the experiments' registry. The Cluster (./cluster.ts) starts serving with it once the
 * services exist.
 */
export class ClusterLink {
  readonly instanceId: string
  readonly ttlMs: number
  readonly keyPrefix: string
  readonly forwardTimeoutMs: number
  readonly store: RedisSessionStore
  readonly leases: Leases
  readonly rpc: RedisRpc
  /** Where experiments run, and the answers of every instance about them. */
  readonly experiments: ClusterExperiments

  private constructor(
    private readonly connections: RedisConnections,
    options: ClusterOptions,
    readonly log: ClusterLog,
  ) {
    this.keyPrefix = options.keyPrefix ?? 'pbft'
    this.instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
    this.ttlMs = options.leaseTtlMs ?? 10_000
    this.forwardTimeoutMs = options.forwardTimeoutMs ?? 5000
    const { redis } = connections
    const common = { keyPrefix: this.keyPrefix, instanceId: this.instanceId, log }
    this.leases = new Leases(redis, { ...common, ttlMs: this.ttlMs })
    this.store = new RedisSessionStore(redis, {
      keyPrefix: this.keyPrefix,
      fence: { leaseKey: (id) => this.leases.key(id), owner: this.instanceId },
      sessionTtlMs: options.sessionTtlMs ?? DEFAULT_LIFETIME.ttlMs,
    })
    this.rpc = new RedisRpc(redis, connections.duplicate(), { ...common, timeoutMs: this.forwardTimeoutMs })
    this.experiments = new ClusterExperiments(redis, this.store, { ...common, ttlMs: this.ttlMs, call: (target, request) => this.rpc.call(target, request) })
  }

  /** Connects to Redis, failing start-up with a clear message when it cannot. */
  static async connect(options: ClusterOptions, log: ClusterLog): Promise<ClusterLink> {
    return new ClusterLink(await RedisConnections.connect(options.redisUrl, log), options, log)
  }

  get redis(): Redis {
    return this.connections.redis
  }

  /** Reserves new session ids: the creating process owns the session from the start. */
  get ownership(): SessionOwnership {
    return { claim: (id) => this.leases.acquire(id).catch((error: unknown) => Promise.reject(storageUnavailable(error))) }
  }

  /** The Socket.IO adapter that carries room emits between processes. */
  adapter(): ReturnType<typeof createAdapter> {
    return this.connections.adapter(this.keyPrefix)
  }

  /** After the store has closed. */
  disconnect(): Promise<void> {
    return this.connections.disconnect()
  }
}
