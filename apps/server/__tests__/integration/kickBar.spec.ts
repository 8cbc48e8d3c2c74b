import type { AssignNodeResponse, SessionInfo } from '@pbft/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, startLiveServer, type LiveServer } from './liveServer'

describe('a kick bars the kicked holder until the host allows the seat', () => {
  let server: LiveServer
  let sessionId: string
  let hostToken: string
  let host: Client

  const claim = (remoteAddress: string, body: object = {}) =>
    server.app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/assign-node`, payload: body, remoteAddress })

  beforeAll(async () => {
    server = await startLiveServer()
    ;({ sessionId, hostToken } = await server.createSession({ nodeCount: 5 }))
    host = await Client.connect(server.base, { sessionId, hostToken })
  })

  afterAll(async () => {
    host.close()
    await server.close()
  })

  it('REST: the kicked address cannot claim again (403 KICKED), any seat; others can; the seat shows as barred', async () => {
    const first = await claim('10.3.0.1', { nodeId: 1 })
    expect(first.statusCode).toBe(200)
    expect(await host.emit('host:kick', { nodeId: 1 })).toEqual({ ok: true, nodeId: 1 })
    for (const body of [{ nodeId: 1 }, { nodeId: 2 }, {}]) {
      const again = await claim('10.3.0.1', body)
      expect(again.statusCode, JSON.stringify(body)).toBe(403)
      expect(again.json()).toEqual({ error: { code: 'KICKED', message: expect.stringContaining('ask the host') } })
    }
    expect((await claim('10.3.0.2', { nodeId: 1 })).statusCode).toBe(200)
    const info = (await server.request<SessionInfo>('GET', `/api/sessions/${sessionId}`)).body
    expect(info.seats[1]).toMatchObject({ holder: 'human', barred: true })
    expect(info.seats[2]).toMatchObject({ barred: false })
    expect(JSON.stringify(info)).not.toContain('10.3.0')
  })

  it('POST …/seats/:nodeId/allow is host-only and lifts the bar', async () => {
    const url = `/api/sessions/${sessionId}/seats/1/allow`
    expect((await server.request('POST', url)).status).toBe(401)
    expect((await server.request('POST', `/api/sessions/${sessionId}/seats/100/allow`, { token: hostToken })).status).toBe(400)
    expect(await server.request('POST', url, { token: hostToken })).toEqual({ status: 200, body: { sessionId, nodeId: 1, allowed: 1 } })
    expect(await server.request('POST', url, { token: hostToken })).toEqual({ status: 200, body: { sessionId, nodeId: 1, allowed: 0 } })
    expect((await claim('10.3.0.1', { nodeId: 2 })).statusCode).toBe(200)
  })

  it('sockets: seat:claim from a kicked client is KICKED until host:allow-seat', async () => {
    const guest = await Client.connect(server.base, { sessionId })
    try {
      const claimed = (await guest.emit('seat:claim', { nodeId: 3 })) as { ok: true } & AssignNodeResponse
      expect(claimed).toMatchObject({ ok: true, nodeId: 3 })
      expect(await host.emit('host:kick', { nodeId: 3 })).toMatchObject({ ok: true })
      await guest.until(() => !guest.socket.connected, 'the kicked socket to be dropped')
    } finally {
      guest.close()
    }
    const again = await Client.connect(server.base, { sessionId })
    try {
      expect(await again.emit('seat:claim', {})).toEqual({ ok: false, error: { code: 'KICKED', message: expect.any(String) } })
      expect((await server.request('POST', `/api/sessions/${sessionId}/assign-node`, { body: {} })).status).toBe(403)
      expect(await host.emit('host:allow-seat', { nodeId: 3 })).toEqual({ ok: true, nodeId: 3, allowed: 1 })
      expect(await again.emit('seat:claim', {})).toMatchObject({ ok: true })
    } finally {
      again.close()
    }
  })
})
