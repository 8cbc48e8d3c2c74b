import type { SessionInfo } from '@pbft/protocol'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, startLiveServer, type LiveServer } from '../integration/liveServer'
import { startRedisServer, type RedisServer } from './redisServer'

/** Short leases (and liveness keys), so that a dead instance is noticed within a few seconds. */
const LEASE_MS = 1000

async function startInstance(redis: RedisServer, instanceId: string, keyPrefix: string): Promise<LiveServer> {
  return startLiveServer({ lanAddress: null, cluster: { redisUrl: redis.url, instanceId, leaseTtlMs: LEASE_MS, keyPrefix } })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('instance liveness', () => {
  let redis: RedisServer
  let client: Redis
  const servers: LiveServer[] = []
  const clients: Client[] = []

  beforeAll(async () => {
    redis = await startRedisServer()
    client = redis.client()
  }, 15_000)

  afterAll(async () => {
    for (const c of clients) c.close()
    for (const server of servers) await server.close().catch(() => undefined)
    client?.disconnect()
    await redis?.stop()
  }, 15_000)

  const connect = async (server: LiveServer, auth: Parameters<typeof Client.connect>[1]): Promise<Client> => {
    const c = await Client.connect(server.base, auth)
    clients.push(c)
    return c
  }

  it('the seats of a crashed instance that does not own their session go offline on the owner', async () => {
    const a = await startInstance(redis, 'A', 'alive')
    const b = await startInstance(redis, 'B', 'alive')
    const c = await startInstance(redis, 'C', 'alive')
    servers.push(a, b, c)
    expect(await client.get('alive:instance:A')).toBe('A')

    // A owns the session; seat 1's phone is on B, seat 2's on C.
    const { sessionId, hostToken } = await a.createSession({ nodeCount: 4 })
    expect(await client.get(`alive:lease:${sessionId}`)).toBe('A')
    const phoneB = await connect(b, { sessionId })
    const claimB = await phoneB.emit('seat:claim', { nodeId: 1, name: 'Ada' })
    expect(claimB).toMatchObject({ ok: true, nodeId: 1 })
    const phoneC = await connect(c, { sessionId })
    expect(await phoneC.emit('seat:claim', { nodeId: 2, name: 'Grace' })).toMatchObject({ ok: true, nodeId: 2 })
    const host = await connect(a, { sessionId, hostToken })
    const online = () => (host.info?.seats ?? []).filter((seat) => seat.online).map((seat) => seat.nodeId)
    await host.until(() => online().join() === '1,2', 'both phones online on the owner')
    expect(await host.emit('host:set-bot-takeover', { botTakeover: true })).toMatchObject({ ok: true })

    // Live instances keep their seats online, TTL after TTL.
    await sleep(3 * LEASE_MS)
    expect(online()).toEqual([1, 2])

    // B dies without a word: its phone's socket never says goodbye to A.
    b.app.cluster?.crash()
    await host.until(() => online().join() === '2', 'seat 1 (through the dead B) offline on the owner', 4 * LEASE_MS + 2000)
    expect(await client.exists('alive:instance:B')).toBe(0)
    const info = await a.request<SessionInfo>('GET', `/api/sessions/${sessionId}`)
    expect(info.body.seats.filter((seat) => seat.online).map((seat) => seat.nodeId)).toEqual([2])
    expect(info.body.seats.find((seat) => seat.nodeId === 1)).toMatchObject({ name: 'Ada', online: false })

    // Bots take the away seat over (bot takeover is on), as for any phone that left.
    expect(info.body.seats.find((seat) => seat.nodeId === 1)?.playedBy).toBe('bot')

    // The phone comes back through C: online again, and tracked through C from now on.
    phoneB.close()
    const back = await connect(c, { sessionId, seatToken: claimB.seatToken as string })
    await back.until(() => back.replica !== null, 'seat 1 back through C')
    await host.until(() => online().join() === '1,2', 'seat 1 online again')
  }, 30_000)
})
