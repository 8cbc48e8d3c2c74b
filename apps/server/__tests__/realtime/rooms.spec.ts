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
