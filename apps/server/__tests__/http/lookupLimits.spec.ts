import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LookupLimiter } from '../../src/http/clientLimits'
import { refusalOf } from '../errors/refusalOf'
import { Client, startLiveServer, type LiveServer } from '../integration/liveServer'

describe('LookupLimiter', () => {
  it('allows a burst of misses, then refuses every lookup until misses are regained', async () => {
    let now = 0
    const limiter = new LookupLimiter({ burst: 3, perSecond: 2 }, () => now)
    for (let i = 0; i < 3; i++) {
      limiter.check('a')
      limiter.miss('a')
    }
    expect(await refusalOf(() => limiter.check('a'))).toMatchObject({ code: 'TOO_MANY_LOOKUPS', status: 429 })
    limiter.check('b')
    now += 500
    limiter.check('a')
    limiter.miss('a')
    expect(() => limiter.check('a')).toThrow(/retry in 1 s/)
  })
})

describe('unknown session codes are rate-limited per client', () => {
  let server: LiveServer
  let sessionId: string

  beforeAll(async () => {
    server = await startLiveServer({ sessions: { lookupsPerClient: { burst: 5, perSecond: 0.01 } } })
    sessionId = (await server.createSession({ nodeCount: 4 })).sessionId
  })

  afterAll(async () => {
    await server.close()
  })

  it('REST: 404 NOT_FOUND for a burst, then 429 TOO_MANY_LOOKUPS for every code, existing ones too; other clients unaffected', async () => {
    const get = (id: string, remoteAddress: string) => server.app.inject({ method: 'GET', url: `/api/sessions/${id}/status`, remoteAddress })
    for (let i = 0; i < 5; i++) expect((await get(`ZZZZZ${i}`, '10.2.0.1')).statusCode).toBe(404)
    const refused = await get('ZZZZZ9', '10.2.0.1')
    expect(refused.statusCode).toBe(429)
    expect(refused.json()).toEqual({ error: { code: 'TOO_MANY_LOOKUPS', message: expect.stringContaining('retry in') } })
    expect((await get(sessionId, '10.2.0.1')).statusCode).toBe(429)
    expect((await server.app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/assign-node`, payload: {}, remoteAddress: '10.2.0.1' })).statusCode).toBe(429)
    expect((await get(sessionId, '10.2.0.2')).statusCode).toBe(200)
    // Lookups of existing sessions and round 404s cost nothing.
    for (let i = 0; i < 10; i++) expect((await get(sessionId, '10.2.0.3')).statusCode).toBe(200)
    for (let i = 0; i < 10; i++) {
      expect((await server.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/history?round=9`, remoteAddress: '10.2.0.3' })).statusCode).toBe(404)
    }
    expect((await server.app.inject({ method: 'GET', url: '/api/health', remoteAddress: '10.2.0.1' })).statusCode).toBe(200)
  })

  it('sockets: handshakes to unknown codes count too (NOT_FOUND, then TOO_MANY_LOOKUPS)', async () => {
    const codes: string[] = []
    for (let i = 0; i < 7; i++) {
      try {
        ;(await Client.connect(server.base, { sessionId: `YYYYY${i}` })).close()
        codes.push('connected')
      } catch (error) {
        codes.push((error as { data?: { code?: string } }).data?.code ?? String(error))
      }
    }
    expect(codes).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'TOO_MANY_LOOKUPS', 'TOO_MANY_LOOKUPS'])
    // The REST routes of this address are refused as well: one budget per client.
    expect((await server.request('GET', `/api/sessions/${sessionId}`)).status).toBe(429)
  })
})
