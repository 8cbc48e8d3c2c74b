import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { socketExperimentEvents } from '../../src/realtime/socketSink'
import { Client, startLiveServer, within, type LiveServer } from '../integration/liveServer'

describe('rooms', () => {
  let server: LiveServer
  const clients: Client[] = []

  beforeAll(async () => {
    server = await startLiveServer()
  })

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
  })

  it('a dashboard joining mid-round gets the whole trace, then deltas that continue it', async () => {
    const created = await server.createSession({ nodeCount: 10, pacingMs: 40, phaseTimeoutMs: 2000, phaseGapMs: 20 })
    const auth = { sessionId: created.sessionId, hostToken: created.hostToken }
    const first = await Client.connect(server.base, auth)
    clients.push(first)
    await first.emit('host:start-round')
    await first.until(() => first.host?.status === 'running' && first.trace.length > 9, 'the prepare phase under way')
    const second = await Client.connect(server.base, auth)
    clients.push(second)
    await first.until(() => first.outcomes.length === 1, 'the outcome')
    await second.until(() => second.host?.status === 'finished', 'the second dashboard to see the end')
    await first.until(() => first.host?.status === 'finished', 'the first dashboard to see the end')
    expect(second.trace).toHaveLength(first.trace.length)
    expect(second.trace).toEqual(first.trace)
    expect(second.trace.map((m) => m.index)).toEqual(second.trace.map((_, i) => i))
  })

  it('session:update goes to hosts and guests as it changes; a phone gets it once, on connecting', async () => {
    // One view: the two humans never act, so the round ends after its phase timeouts.
    const created = await server.createSession({ nodeCount: 4, pacingMs: 20, phaseTimeoutMs: 2000, phaseGapMs: 20, maxViews: 1 })
    const { sessionId } = created
    const host = await Client.connect(server.base, { sessionId, hostToken: created.hostToken })
    const guest = await Client.connect(server.base, { sessionId })
    const seat = await server.claim(sessionId, { nodeId: 1 })
    const phone = await Client.connect(server.base, { sessionId, seatToken: seat.seatToken })
    // A guest that claims over its socket becomes a phone too.
    const claimer = await Client.connect(server.base, { sessionId })
    clients.push(host, guest, phone, claimer)
    expect(await claimer.emit('seat:claim', { nodeId: 2 })).toMatchObject({ ok: true, nodeId: 2 })
    await phone.until(() => phone.info !== null && phone.replica !== null, 'the phone to connect')
    await claimer.until(() => claimer.replica !== null, 'the claimed view')
    const count = (client: Client): { n: number } => {
      const counter = { n: 0 }
      client.socket.on('session:update', () => counter.n++)
      return counter
    }
    const [hostUpdates, guestUpdates, phoneUpdates, claimerUpdates] = [host, guest, phone, claimer].map(count)
    expect(await host.emit('host:start-round')).toMatchObject({ ok: true })
    await host.until(() => host.outcomes.length === 1, 'the round to end')
    await guest.until(() => guest.info?.status === 'finished', 'the guest to see the end')
    await phone.until(() => phone.replica?.outcome != null, 'the phone to see the outcome in its view')
    expect(hostUpdates?.n).toBeGreaterThan(0)
    expect(guestUpdates?.n).toBeGreaterThan(0)
    expect(phoneUpdates?.n).toBe(0)
    expect(claimerUpdates?.n).toBe(0)
  })

  it('experiment progress reaches the sockets watching that experiment only', async () => {
    const watcher = await Client.connect(server.base, {})
    const other = await Client.connect(server.base, {})
    clients.push(watcher, other)
    const otherProgress: unknown[] = []
    const progress = within(new Promise((resolve) => watcher.socket.once('experiment:progress', resolve)), 'the progress event')
    other.socket.on('experiment:progress', (event) => otherProgress.push(event))
    expect(await watcher.emit('experiment:watch', { id: 'exp-1' })).toEqual({ ok: true })
    expect(await other.emit('experiment:watch', { id: 'exp-2' })).toEqual({ ok: true })
    expect(await other.emit('experiment:watch', { id: '../etc' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    socketExperimentEvents(server.app.io).progress('exp-1', 5, 10)
    expect(await progress).toEqual({ id: 'exp-1', done: 5, total: 10 })
    expect(await other.emit('experiment:unwatch', { id: 'exp-2' })).toEqual({ ok: true })
    expect(otherProgress).toEqual([])
  })
})
