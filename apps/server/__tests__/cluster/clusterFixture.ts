import type { Redis } from 'ioredis'
import { afterAll, beforeAll } from 'vitest'
import type { AppOptions } from '../../src/app'
import { Client, startLiveServer, type LiveServer } from '../integration/liveServer'
import { startRedisServer, type RedisServer } from './redisServer'

/** Short leases (and liveness keys), so that a dead instance is noticed within a second or two. */
export const LEASE_MS = 1000

export interface ClusterFixture {
  /** A Redis client on the suite's server, to look at keys. */
  readonly redis: Redis
  /** Starts an instance on the suite's Redis; it is closed after the suite. */
  start(instanceId: string, keyPrefix: string, options?: Partial<AppOptions>): Promise<LiveServer>
  /** Closes an instance now (a clean shutdown). */
  stop(server: LiveServer): Promise<void>
  /** A socket client on an instance; it is closed after the suite. */
  connect(server: LiveServer, auth: Parameters<typeof Client.connect>[1]): Promise<Client>
}

/**
 * One redis-server per suite and the instances and clients its tests start, all stopped in
 * `afterAll`. Call it inside `describe`.
 */
export function useCluster(): ClusterFixture {
  let server: RedisServer | undefined
  let client: Redis | undefined
  const instances: LiveServer[] = []
  const clients: Client[] = []

  beforeAll(async () => {
    server = await startRedisServer()
    client = server.client()
  }, 15_000)

  afterAll(async () => {
    for (const c of clients) c.close()
    for (const instance of instances) await instance.close().catch(() => undefined)
    client?.disconnect()
    await server?.stop()
  }, 15_000)

  const running = (): RedisServer => {
    if (!server) throw new Error('the suite’s redis-server is not running (use the fixture inside a test)')
    return server
  }

  return {
    get redis(): Redis {
      if (!client) throw new Error('the suite’s redis-server is not running (use the fixture inside a test)')
      return client
    },
    async start(instanceId, keyPrefix, options = {}) {
      const instance = await startLiveServer({
        lanAddress: null,
        cluster: { redisUrl: running().url, instanceId, leaseTtlMs: LEASE_MS, keyPrefix },
        ...options,
      })
      instances.push(instance)
      return instance
    },
    async stop(instance) {
      const index = instances.indexOf(instance)
      if (index >= 0) instances.splice(index, 1)
      await instance.close()
    },
    async connect(instance, auth) {
      const c = await Client.connect(instance.base, auth)
      clients.push(c)
      return c
    },
  }
}
