import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, startLiveServer, type LiveServer } from './liveServer'

type ErrorBody = { error: { code: string; message: string } }

/** A raw request, so that the Host header is exactly what a hostile client sends. */
function rawPost(base: string, path: string, host: string, body: string): Promise<{ status: number; body: string }> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: 'POST', setHost: false, headers: { host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

describe('bad input gets a clear 4xx and changes nothing', () => {
  let server: LiveServer

  beforeAll(async () => {
    server = await startLiveServer({ lanAddress: '192.0.2.10', sessions: { sessionsPerClient: { maxSessions: 2, windowMs: 60_000 } } })
  })

  afterAll(async () => {
    await server.close()
  })

  it('a malformed Host header on POST /api/sessions is 400 VALIDATION, stores nothing and uses no creation slot', async () => {
    for (const host of ['a b', '[', ':80', '', 'x:99999']) {
      const response = await rawPost(server.base, '/api/sessions', host, '{"nodeCount":4}')
      // Node's own parser refuses some of these before us (400 without our body): either way a 400.
      expect(response.status, host).toBe(400)
      if (response.body !== '') expect((JSON.parse(response.body) as ErrorBody).error.code, host).toBe('VALIDATION')
    }
    expect(server.app.sessions.size).toBe(0)
    // Both creation slots are still free.
    for (let i = 0; i < 2; i++) expect((await rawPost(server.base, '/api/sessions', `127.0.0.1:${new URL(server.base).port}`, '{"nodeCount":4}')).status).toBe(201)
  })

  it('a forged Host header is never reflected into joinUrl', async () => {
    const created = await server.app.inject({ method: 'POST', url: '/api/sessions', headers: { host: 'evil.example:3000' }, payload: { nodeCount: 4 }, remoteAddress: '10.9.9.9' })
    expect(created.statusCode).toBe(201)
    expect(created.json<{ joinUrl: string }>().joinUrl).toMatch(/^http:\/\/192\.0\.2\.10:3000\/join\/[A-Z0-9]{6}$/)
  })

  it('an unknown socket event gets an UNKNOWN_EVENT ack, or an error event without one', async () => {
    const guest = await Client.connect(server.base, {})
    try {
      const ack = await guest.emit('replica:acts' as 'replica:act', {})
      expect(ack).toEqual({ ok: false, error: { code: 'UNKNOWN_EVENT', message: expect.stringContaining('replica:acts') } })
      ;(guest.socket as unknown as { emit(event: string, payload: unknown): void }).emit('host:strat-round', {})
      await guest.until(() => guest.errors.length > 0, 'the error event')
      expect(guest.errors[0]).toMatchObject({ event: 'host:strat-round', code: 'UNKNOWN_EVENT' })
    } finally {
      guest.close()
    }
  })

  it('Byzantine values for replicas that do not exist, or keys like "007", are refused as VALIDATION', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/sessions',
      payload: { nodeCount: 4, faults: { 1: 'equivocate' }, pacingMs: 5, phaseTimeoutMs: 60_000, phaseGapMs: 5 },
      remoteAddress: '10.9.9.8',
    })
    const { sessionId, hostToken } = created.json<{ sessionId: string; hostToken: string }>()
    const leading = await server.app.inject({ method: 'POST', url: '/api/sessions', payload: { nodeCount: 4, faults: { '001': 'silent' } }, remoteAddress: '10.9.9.8' })
    expect(leading.statusCode).toBe(400)
    expect(leading.json<ErrorBody>().error.code).toBe('VALIDATION')

    const seat = await server.claim(sessionId, { nodeId: 1 })
    const host = await Client.connect(server.base, { sessionId, hostToken })
    const phone = await Client.connect(server.base, { sessionId, seatToken: seat.seatToken })
    try {
      expect((await host.emit('host:start-round')).ok).toBe(true)
      await phone.until(() => phone.replica?.canAct === true, 'replica 1 may act')
      for (const values of [{ 7: 'x' }, { '007': 'x' }, { '-1': 'x' }, { 4: 'x' }]) {
        const ack = await phone.emit('replica:act', { values })
        expect(ack.ok, JSON.stringify(values)).toBe(false)
        expect((ack as { error: { code: string } }).error.code).toBe('VALIDATION')
      }
      // Nothing was sent: the seat may still act, with a valid choice.
      const ok = await phone.emit('replica:act', { values: { 0: 'a', 3: 'b' } })
      expect(ok).toMatchObject({ ok: true, nodeId: 1 })
    } finally {
      host.close()
      phone.close()
    }
  })
})
