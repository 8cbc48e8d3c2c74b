import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, startLiveServer, type LiveServer } from './liveServer'

const HOST_EVENTS = [
  ['host:start-round', {}],
  ['host:next-phase', {}],
  ['host:next-view', {}],
  ['host:reset-round', {}],
  ['host:set-delivery-rate', { messageDeliveryRate: 50 }],
  ['host:set-fault', { nodeId: 1, fault: 'silent' }],
  ['host:lock', { locked: true }],
  ['host:kick', { nodeId: 2 }],
  ['host:set-bot-takeover', { botTakeover: true }],
] as const

describe('who may do what', () => {
  let server: LiveServer
  const clients: Client[] = []
  let sessionId: string
  let hostToken: string
  let seat1: string
  let seat2: string

  beforeAll(async () => {
    server = await startLiveServer()
    const created = await server.createSession({ nodeCount: 4, pacingMs: 50, phaseTimeoutMs: 5000, phaseGapMs: 50, faults: { 1: 'silent' } })
    sessionId = created.sessionId
    hostToken = created.hostToken
    seat1 = (await server.claim(sessionId, { nodeId: 1 })).seatToken
    seat2 = (await server.claim(sessionId, { nodeId: 2 })).seatToken
  })

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
  })

  async function connect(auth: Parameters<typeof Client.connect>[1]): Promise<Client> {
    const client = await Client.connect(server.base, auth)
    clients.push(client)
    return client
  }

  it('a seat token acts only for its own seat', async () => {
    const phone = await connect({ sessionId, seatToken: seat1 })
    const host = await connect({ sessionId, hostToken })
    await host.emit('host:start-round')
    for (const nodeId of [0, 2, 3]) {
      const ack = await phone.emit('replica:act', { nodeId })
      expect(ack).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: `this socket holds seat 1, not seat ${nodeId}` } })
      expect((await phone.emit('replica:skip', { nodeId })).ok).toBe(false)
    }
    // Its own seat is fine when it is its turn (not yet: the primary proposes first).
    expect(await phone.emit('replica:act', { nodeId: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_PENDING' } })
    await host.emit('host:reset-round')
  })

  it('a seat token cannot act as the host', async () => {
    const phone = await connect({ sessionId, seatToken: seat2 })
    for (const [event, payload] of HOST_EVENTS) {
      const ack = await phone.emit(event, payload)
      expect(ack, event).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    const status = await server.request<{ status: string; locked: boolean }>('GET', `/api/sessions/${sessionId}/status`)
    expect(status.body).toMatchObject({ status: 'waiting', locked: false })
  })

  it('a guest (no token) may only claim a seat', async () => {
    const guest = await connect({ sessionId })
    expect(await guest.emit('host:start-round')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await guest.emit('replica:act')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    const claimed = await guest.emit('seat:claim', { name: 'late' })
    expect(claimed).toMatchObject({ ok: true, nodeId: 0, role: 'primary', seatToken: expect.any(String) })
    await guest.until(() => guest.replica?.nodeId === 0, 'the claimed seat view')
    expect(await guest.emit('seat:claim')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('a handshake with a wrong or foreign token is refused', async () => {
    const other = await server.createSession({ nodeCount: 4 })
    const foreignSeat = (await server.claim(other.sessionId)).seatToken
    const attempts = [
      [{ sessionId, hostToken: 'not-the-token' }, 'FORBIDDEN'],
      [{ sessionId, hostToken: other.hostToken }, 'FORBIDDEN'],
      [{ sessionId, seatToken: foreignSeat }, 'FORBIDDEN'],
      [{ sessionId, seatToken: hostToken }, 'FORBIDDEN'],
      [{ sessionId: 'NOSUCH', hostToken }, 'NOT_FOUND'],
      [{ sessionId, hostToken, seatToken: seat1 }, 'VALIDATION'],
      [{ sessionId: 42 }, 'VALIDATION'],
    ] as const
    for (const [auth, code] of attempts) {
      const error = await Client.connect(server.base, auth as never).then(
        () => null,
        (e: { data?: { code: string } }) => e,
      )
      expect(error?.data?.code, JSON.stringify(auth)).toBe(code)
    }
  })

  it('REST host routes need the bearer host token: 401 without, 403 with a wrong one', async () => {
    const routes = [
      ['POST', `/api/sessions/${sessionId}/rounds`],
      ['POST', `/api/sessions/${sessionId}/reset-round`],
      ['DELETE', `/api/sessions/${sessionId}`],
    ] as const
    for (const [method, path] of routes) {
      const missing = await server.request<{ error: { code: string } }>(method, path)
      expect(missing.status, `${method} ${path}`).toBe(401)
      expect(missing.body.error.code).toBe('UNAUTHORIZED')
      for (const token of ['wrong', seat1]) {
        const wrong = await server.request<{ error: { code: string } }>(method, path, { token })
        expect(wrong.status, `${method} ${path}`).toBe(403)
        expect(wrong.body.error.code).toBe('FORBIDDEN')
      }
    }
    expect((await server.request('GET', `/api/sessions/${sessionId}`)).status).toBe(200)
  })

  it('a kicked seat is told, disconnected, and its token stops working', async () => {
    const host = await connect({ sessionId, hostToken })
    const phone = await connect({ sessionId, seatToken: seat2 })
    expect(await host.emit('host:kick', { nodeId: 2 })).toEqual({ ok: true, nodeId: 2 })
    await phone.until(() => phone.kicked.length === 1 && !phone.socket.connected, 'the kick and the disconnect')
    expect(phone.kicked[0]).toMatchObject({ nodeId: 2 })
    const again = await Client.connect(server.base, { sessionId, seatToken: seat2 }).then(
      () => null,
      (e: { data?: { code: string } }) => e,
    )
    expect(again?.data?.code).toBe('FORBIDDEN')
    await host.until(() => host.info?.seats[2]?.holder === 'bot', 'seat 2 back to a bot')
  })

  it('locking stops new claims but lets holders back in', async () => {
    const host = await connect({ sessionId, hostToken })
    expect(await host.emit('host:lock', { locked: true })).toEqual({ ok: true, locked: true })
    const refused = await server.request<{ error: { code: string } }>('POST', `/api/sessions/${sessionId}/assign-node`, { body: {} })
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('LOCKED')
    await connect({ sessionId, seatToken: seat1 })
    await host.emit('host:lock', { locked: false })
  })
})
