import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { autoPlay, Client, startLiveServer, type LiveServer } from './liveServer'

describe('four humans play a round on their phones', () => {
  let server: LiveServer
  const clients: Client[] = []

  beforeAll(async () => {
    server = await startLiveServer()
  })

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
  })

  it('all decide the proposal; each sees only its own mail; the host sees everything', async () => {
    const created = await server.createSession({ nodeCount: 4, pacingMs: 10, phaseTimeoutMs: 5000, phaseGapMs: 10 })
    const sessionId = created.sessionId
    const host = await Client.connect(server.base, { sessionId, hostToken: created.hostToken })
    clients.push(host)
    const phones: Client[] = []
    for (let i = 0; i < 4; i++) {
      const seat = await server.claim(sessionId, { name: `student ${i}` })
      expect(seat.nodeId).toBe(i)
      const phone = await Client.connect(server.base, { sessionId, seatToken: seat.seatToken })
      phones.push(phone)
      clients.push(phone)
      autoPlay(phone)
    }
    await host.until(() => host.info?.connectedNodes.length === 4, 'four seats online')

    const started = await host.emit('host:start-round')
    expect(started).toMatchObject({ ok: true, round: 1 })
    await host.until(() => host.outcomes.length === 1, 'the round outcome')
    const outcome = host.outcomes[0]
    expect(outcome).toMatchObject({ success: true, decidedValue: 'the proposal', safetyViolation: false, failureReason: null })

    for (const [id, phone] of phones.entries()) {
      await phone.until(() => phone.replica?.outcome !== null && phone.replica?.outcome !== undefined, `phone ${id}'s outcome`)
      const view = phone.replica
      expect(view?.snapshot?.decidedValue).toBe('the proposal')
      expect(phone.errors).toEqual([])
      // Only messages addressed to this replica that arrived, exactly those.
      await host.until(() => host.host?.status === 'finished', 'the host view of the finished round')
      const mine = host.trace.filter((m) => m.to === id && m.status !== 'dropped')
      expect(view?.received.map((m) => m.index)).toEqual(mine.map((m) => m.index))
      expect(view?.received.every((m) => host.trace[m.index]?.to === id)).toBe(true)
      expect(view?.sent.map((m) => m.index)).toEqual(host.trace.filter((m) => m.from === id).map((m) => m.index))
    }

    // The host: every message, per-replica counters, sets and seats.
    const view = host.host
    // The client's REQUEST, then the replicas' 3 + 9 + 12 messages, then their 4 REPLYs to the client.
    expect(host.trace).toHaveLength(1 + 3 + 3 * 3 + 4 * 3 + 4)
    expect(host.trace.filter((m) => m.phase === 'reply').map((m) => [m.from, m.to, m.counted])).toEqual([0, 1, 2, 3].map((id) => [id, 4, true]))
    expect(view?.messages).toEqual({ sent: 24, delivered: 24, dropped: 0, rejected: 0 })
    expect(view?.sets).toEqual({ prePrepared: 4, prepared: 4, committed: 4 })
    expect(view?.replicas.map((r) => [r.prepareCount, r.commitCount])).toEqual([
      [3, 3],
      [2, 3],
      [2, 3],
      [2, 3],
    ])
    expect(view?.seats.map((s) => [s.holder, s.online, s.name])).toEqual([0, 1, 2, 3].map((i) => ['human', true, `student ${i}`]))
  })
})
