import { io as connectClient } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer, within, type LiveServer } from '../integration/liveServer'

/** Connects with these headers; resolves 'connected' or the connect_error's message. */
async function socketWith(base: string, headers: Record<string, string>, auth: object): Promise<string> {
  const socket = connectClient(base, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth, extraHeaders: headers })
  try {
    return await within(
      new Promise<string>((resolve) => {
        socket.once('connect', () => resolve('connected'))
        socket.once('connect_error', (error) => resolve(`refused: ${error.message}`))
      }),
      'the socket handshake',
    )
  } finally {
    socket.disconnect()
  }
}

describe('pages of other sites cannot change anything', () => {
  let server: LiveServer
  let sessionId: string

  beforeAll(async () => {
    server = await startLiveServer({ publicUrl: 'https://pbft.example.edu', lanAddress: null })
    sessionId = (await server.createSession({ nodeCount: 4 })).sessionId
  })

  afterAll(async () => {
    await server.close()
  })

  const seatsTaken = async () =>
    (await server.request<{ seats: { holder: string }[] }>('GET', `/api/sessions/${sessionId}`)).body.seats.filter((seat) => seat.holder === 'human').length

  it('a bodiless no-cors POST from a foreign origin is 403 FORBIDDEN_ORIGIN and claims nothing', async () => {
    for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:1']) {
      const response = await fetch(`${server.base}/api/sessions/${sessionId}/assign-node`, { method: 'POST', headers: { origin } })
      expect(response.status, origin).toBe(403)
      expect(await response.json()).toEqual({ error: { code: 'FORBIDDEN_ORIGIN', message: expect.any(String) } })
    }
    expect(await seatsTaken()).toBe(0)
  })

  it('a body that is not declared JSON is 415 UNSUPPORTED_MEDIA_TYPE, from anyone', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await fetch(`${server.base}/api/sessions/${sessionId}/assign-node`, { method: 'POST', headers: { 'content-type': type }, body: '{}' })
      expect(response.status, type).toBe(415)
      expect(await response.json()).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) } })
    }
    const created = await fetch(`${server.base}/api/sessions`, { method: 'POST', body: '{"nodeCount":4}' })
    expect(created.status).toBe(415)
    expect(await seatsTaken()).toBe(0)
  })

  it('our own pages (same origin, PUBLIC_URL) and clients without an Origin header are served', async () => {
    const own = new URL(server.base).origin
    for (const origin of [own, 'https://pbft.example.edu', undefined]) {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (origin !== undefined) headers.origin = origin
      const response = await fetch(`${server.base}/api/sessions/${sessionId}/assign-node`, { method: 'POST', headers, body: '{}' })
      expect(response.status, String(origin)).toBe(200)
    }
    expect(await seatsTaken()).toBe(3)
    // Reads are not state-changing: anyone may GET.
    expect((await fetch(`${server.base}/api/sessions/${sessionId}`, { headers: { origin: 'http://evil.example' } })).status).toBe(200)
  })

  it('sockets: a foreign Origin is refused at the handshake; ours and none are accepted', async () => {
    expect(await socketWith(server.base, { origin: 'http://evil.example' }, { sessionId })).toMatch(/^refused/)
    expect(await socketWith(server.base, { origin: new URL(server.base).origin }, { sessionId })).toBe('connected')
    expect(await socketWith(server.base, {}, { sessionId })).toBe('connected')
  })
})
