import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, startLiveServer, type LiveServer } from '../integration/liveServer'

const GARBAGE: unknown[] = [null, 42, 'text', [], [1, 2], true, { nodeId: 'x' }, { nodeId: -1 }, { nodeId: 1e9 }, { a: { b: { c: [{}] } } }]

describe('the socket gateway with hostile clients', () => {
  let server: LiveServer
  const clients: Client[] = []
  let sessionId: string
  let hostToken: string
  let seatToken: string

  beforeAll(async () => {
    server = await startLiveServer({ socket: { ratePerSecond: 1000, burst: 1000 } })
    const created = await server.createSession({ nodeCount: 4, pacingMs: 20, phaseTimeoutMs: 5000, faults: { 1: 'wrong-value' } })
    sessionId = created.sessionId
    hostToken = created.hostToken
    seatToken = (await server.claim(sessionId, { nodeId: 1 })).seatToken
  })

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
  })

  it('answers garbage payloads with a failed acknowledgement, and keeps serving', async () => {
    const host = await Client.connect(server.base, { sessionId, hostToken })
    const phone = await Client.connect(server.base, { sessionId, seatToken })
    clients.push(host, phone)
    const hostEvents = ['host:set-delivery-rate', 'host:set-fault', 'host:lock', 'host:kick', 'host:set-bot-takeover', 'experiment:watch'] as const
    for (const event of hostEvents) {
      for (const payload of GARBAGE) {
        const ack = await host.emit(event, payload)
        expect(ack, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
      }
    }
    const strict = [
      ['host:set-delivery-rate', { messageDeliveryRate: 101 }],
      ['host:set-delivery-rate', { messageDeliveryRate: '50' }],
      ['host:set-fault', { nodeId: 1, fault: 'evil' }],
      ['host:start-round', { seed: -1 }],
      ['host:start-round', 'go'],
      ['host:next-phase', 7],
      ['host:next-view', 'now'],
      ['replica:view-change', { nodeId: -1 }],
      ['replica:new-view', { viewChangesFor: { '01': [1] } }],
      ['client:request', 3],
    ] as const
    for (const [event, payload] of strict) {
      expect(await host.emit(event, payload), `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    }
    await host.emit('host:start-round')
    const badChoices = [{ value: '' }, { value: 'x'.repeat(65) }, { values: { abc: 'v' } }, { values: { 1: 7 } }, { tamper: 'yes' }, 'act', 12]
    for (const payload of badChoices) {
      expect(await phone.emit('replica:act', payload), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    }
    // The server is still fine: the round goes on and the host can still act.
    expect(await host.emit('host:set-delivery-rate', { messageDeliveryRate: 100 })).toEqual({ ok: true, messageDeliveryRate: 100 })
    const status = await server.request<{ status: string }>('GET', `/api/sessions/${sessionId}/status`)
    expect(status.body.status).toBe('running')
    await host.emit('host:reset-round')
  })

  it('reports failures of events sent without an acknowledgement on the error event', async () => {
    const phone = await Client.connect(server.base, { sessionId, seatToken })
    clients.push(phone)
    // Untyped on purpose: what a hand-written or malicious client could send.
    const raw = phone.socket as unknown as { emit(event: string, ...args: unknown[]): void }
    raw.emit('host:start-round')
    raw.emit('replica:act', 'nonsense')
    raw.emit('no-such-event', { x: 1 })
    await phone.until(() => phone.errors.length === 3, 'three error events')
    // An unknown event is answered at once, the others after their (async) handlers.
    expect(phone.errors).toHaveLength(3)
    expect(phone.errors).toEqual(
      expect.arrayContaining([
        { event: 'host:start-round', code: 'FORBIDDEN', message: expect.any(String) },
        { event: 'replica:act', code: 'VALIDATION', message: expect.any(String) },
        { event: 'no-such-event', code: 'UNKNOWN_EVENT', message: expect.any(String) },
      ]),
    )
    expect(phone.socket.connected).toBe(true)
  })

  it('refuses oversized messages by disconnecting, not crashing', async () => {
    const phone = await Client.connect(server.base, { sessionId, seatToken })
    clients.push(phone)
    const raw = phone.socket as unknown as { emit(event: string, ...args: unknown[]): void }
    raw.emit('replica:act', { value: 'x'.repeat(200_000) })
    await phone.until(() => !phone.socket.connected, 'the oversized client to be dropped')
    const other = await Client.connect(server.base, { sessionId })
    clients.push(other)
    expect(other.socket.connected).toBe(true)
  })
})

describe('the per-socket rate limit', () => {
  let server: LiveServer
  const clients: Client[] = []

  beforeAll(async () => {
    server = await startLiveServer()
  })

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
  })

  it('refuses a flood with RATE_LIMITED after the burst of 40', async () => {
    const created = await server.createSession({ nodeCount: 4 })
    const host = await Client.connect(server.base, { sessionId: created.sessionId, hostToken: created.hostToken })
    clients.push(host)
    const acks = await Promise.all(Array.from({ length: 60 }, () => host.emit('session:sync')))
    const limited = acks.filter((ack) => !ack.ok)
    expect(limited.length).toBeGreaterThanOrEqual(15)
    expect(limited[0]).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } })
    expect(acks.slice(0, 40).every((ack) => ack.ok)).toBe(true)
  })
})
