import type { RoundTraceResponse } from '@pbft/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { autoPlay, Client, startLiveServer, type LiveServer } from './liveServer'

describe('the idle bot over sockets', () => {
  let server: LiveServer
  const clients: Client[] = []

  beforeAll(async () => {
    server = await startLiveServer()
  })

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
  })

  it('plays for a student who never taps: the projector and the student’s phone are told, and the replay keeps it', async () => {
    const created = await server.createSession({ nodeCount: 4, pacingMs: 5, phaseGapMs: 5, phaseTimeoutMs: 20_000, idleBotAfterMs: 600 })
    expect(created.config.idleBotAfterMs).toBe(600)
    const { sessionId } = created
    const host = await Client.connect(server.base, { sessionId, hostToken: created.hostToken })
    clients.push(host)
    const seat = await server.claim(sessionId, { nodeId: 2, name: 'Ana' })
    const ana = await Client.connect(server.base, { sessionId, seatToken: seat.seatToken })
    clients.push(ana)
    const active = await server.claim(sessionId, { nodeId: 1, name: 'Bo' })
    const bo = await Client.connect(server.base, { sessionId, seatToken: active.seatToken })
    clients.push(bo)
    autoPlay(bo)
    await host.until(() => host.info?.connectedNodes.length === 2, 'both phones online')

    const started = Date.now()
    expect((await host.emit('host:start-round')).ok).toBe(true)
    await host.until(() => host.outcomes.length === 1, 'the outcome', 8000)
    // Two phases of 600 ms for Ana, not two phase timeouts of 20 s.
    expect(Date.now() - started).toBeLessThan(8000)
    expect(host.outcomes[0]).toMatchObject({ success: true, outcome: 'success' })
    await host.until(() => host.host?.status === 'finished', 'the finished host view')
    expect(host.host?.standIns.map(({ nodeId, phase, reason, name }) => ({ nodeId, phase, reason, name }))).toEqual([
      { nodeId: 2, phase: 'prepare', reason: 'idle', name: 'Ana' },
      { nodeId: 2, phase: 'commit', reason: 'idle', name: 'Ana' },
    ])
    expect(host.host?.standIns.every((standIn) => standIn.at >= 600)).toBe(true)
    await ana.until(() => ana.replica?.outcome != null, 'Ana’s phone to see the outcome')
    expect(ana.replica?.standIns.map((standIn) => standIn.phase)).toEqual(['prepare', 'commit'])
    expect(bo.replica?.standIns).toEqual([])
    // The messages the bot sent are Ana's replica's, as if she had tapped.
    expect(host.trace.filter((message) => message.from === 2 && message.phase !== 'reply').length).toBe(6)

    const replay = await server.request<RoundTraceResponse>('GET', `/api/sessions/${sessionId}/history?round=1`)
    const logged = replay.body.round.log.filter((entry) => entry.type === 'act' && entry.replica === 2)
    expect(logged.map((entry) => entry.type === 'act' && [entry.by, entry.standIn])).toEqual([
      ['bot', { reason: 'idle', name: 'Ana' }],
      ['bot', { reason: 'idle', name: 'Ana' }],
      // Its REPLY to the client, which every replica that decided sends on its own (no stand-in).
      ['bot', undefined],
    ])
    expect(replay.body.trace).toEqual(host.trace)
  }, 15_000)
})
