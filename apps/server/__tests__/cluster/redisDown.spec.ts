import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, startLiveServer, type LiveServer } from '../integration/liveServer'
import { startRedisServer, type RedisServer } from './redisServer'

type ErrorBody = { error: { code: string; message: string } }

/** With REDIS_URL, a Redis that goes away is a storage failure (503 STORAGE), never a 500. */
describe('Redis down', () => {
  let redis: RedisServer
  let server: LiveServer
  const clients: Client[] = []

  beforeAll(async () => {
    redis = await startRedisServer()
    server = await startLiveServer({ lanAddress: null, cluster: { redisUrl: redis.url, instanceId: 'down-1', leaseTtlMs: 1000, keyPrefix: 'down' } })
  }, 15_000)

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close().catch(() => undefined)
    await redis.stop()
  }, 30_000)

  it('session creation, status and a human act answer STORAGE while Redis is stopped', async () => {
    const { sessionId, hostToken } = await server.createSession({ nodeCount: 4, pacingMs: 5, phaseTimeoutMs: 60_000, phaseGapMs: 5 })
    const seat = await server.claim(sessionId, { nodeId: 1 })
    const host = await Client.connect(server.base, { sessionId, hostToken })
    const phone = await Client.connect(server.base, { sessionId, seatToken: seat.seatToken })
    clients.push(host, phone)
    expect((await host.emit('host:start-round')).ok).toBe(true)
    await phone.until(() => phone.replica?.canAct === true, 'replica 1 may act')

    await redis.stop()

    const act = await phone.emit('replica:act', {})
    expect(act).toEqual({ ok: false, error: { code: 'STORAGE', message: expect.any(String) } })
    const created = await server.request<ErrorBody>('POST', '/api/sessions', { body: { nodeCount: 4 } })
    expect(created.status).toBe(503)
    expect(created.body.error.code).toBe('STORAGE')
    const unknown = await server.request<ErrorBody>('GET', '/api/sessions/ABCDEF/status')
    expect(unknown.status).toBe(503)
    expect(unknown.body.error.code).toBe('STORAGE')
    // Once its lease could not be renewed for a whole TTL, this instance lets the session go,
    // and finding its owner needs Redis: still STORAGE, for REST and sockets alike.
    await new Promise((resolve) => setTimeout(resolve, 2500))
    const status = await server.request<ErrorBody>('GET', `/api/sessions/${sessionId}/status`)
    expect(status.status).toBe(503)
    expect(status.body.error.code).toBe('STORAGE')
    const sync = await host.emit('host:next-phase', {})
    expect(sync).toEqual({ ok: false, error: { code: 'STORAGE', message: expect.any(String) } })
  }, 30_000)
})
