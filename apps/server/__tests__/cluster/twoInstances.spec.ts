import type { HistoryResponse, SessionInfo } from '@pbft/protocol'
import { describe, expect, it } from 'vitest'
import { autoPlay } from '../integration/liveServer'
import { LEASE_MS, useCluster } from './clusterFixture'

describe('two instances behind one Redis', () => {
  const cluster = useCluster()

  it('serves one session from both instances, and the survivor takes it over when its owner dies', async () => {
    const a = await cluster.start('A', 'two')
    const b = await cluster.start('B', 'two')

    // The host creates the session on A: A owns it.
    const { sessionId, hostToken } = await a.createSession({ nodeCount: 4, pacingMs: 5, phaseTimeoutMs: 5000, phaseGapMs: 5 })
    expect(await cluster.redis.get(`two:lease:${sessionId}`)).toBe('A')
    expect(await cluster.redis.exists(`two:session:${sessionId}`)).toBe(1)
    expect(a.app.sessions.has(sessionId)).toBe(true)
    expect(b.app.sessions.has(sessionId)).toBe(false)

    // Seats claimed through B (REST, forwarded to A) and through sockets on both instances.
    const restSeat = await b.claim(sessionId, { nodeId: 1, name: 'Ada' })
    const phoneB1 = await cluster.connect(b, { sessionId, seatToken: restSeat.seatToken })
    const phoneA2 = await cluster.connect(a, { sessionId })
    const claimA = await phoneA2.emit('seat:claim', { nodeId: 2, name: 'Grace' })
    expect(claimA).toMatchObject({ ok: true, nodeId: 2 })
    const phoneB3 = await cluster.connect(b, { sessionId })
    const claimB = await phoneB3.emit('seat:claim', { nodeId: 3, name: 'Edsger' })
    expect(claimB).toMatchObject({ ok: true, nodeId: 3 })
    for (const phone of [phoneB1, phoneA2, phoneB3]) {
      await phone.until(() => phone.replica !== null, 'the seat view')
      autoPlay(phone)
    }
    expect(b.app.sessions.has(sessionId)).toBe(false)

    const host = await cluster.connect(a, { sessionId, hostToken })
    await host.until(() => host.info?.seats.filter((seat) => seat.online).length === 3, 'three humans online (two of them on B)')
    expect(await host.emit('host:start-round', { seed: 7 })).toMatchObject({ ok: true, round: 1 })
    for (const watcher of [host, phoneB1, phoneA2, phoneB3]) {
      await watcher.until(() => watcher.outcomes.length === 1, 'round 1 outcome on every instance')
    }
    expect(host.outcomes[0]).toMatchObject({ round: 1, success: true, safetyViolation: false })
    for (const phone of [phoneB1, phoneA2, phoneB3]) {
      await phone.until(() => typeof phone.replica?.snapshot?.decidedValue === 'string', 'each human replica to decide')
    }
    const historyViaB = await b.request<HistoryResponse>('GET', `/api/sessions/${sessionId}/history`)
    expect(historyViaB.body.rounds.map((r) => [r.round, r.outcome?.success])).toEqual([[1, true]])

    // A dies: no more renewals, no more answers, its sockets drop, its lease is left to expire.
    a.app.cluster?.crash()
    await cluster.stop(a)

    // The host comes back through B: B waits for A's lease to expire, takes the session over
    // and restores it from Redis.
    const host2 = await cluster.connect(b, { sessionId, hostToken })
    expect(await cluster.redis.get(`two:lease:${sessionId}`)).toBe('B')
    expect(b.app.sessions.has(sessionId)).toBe(true)
    await host2.until(() => host2.host !== null, 'the host view from the new owner')
    const phoneB2 = await cluster.connect(b, { sessionId, seatToken: claimA.seatToken as string })
    await phoneB2.until(() => phoneB2.replica !== null, 'seat 2 back on B')
    autoPlay(phoneB2)
    // The phones that stayed on B checked in with the new owner.
    await host2.until(() => host2.info?.seats.filter((seat) => seat.online).length === 3, 'three humans online on the new owner')

    expect(await host2.emit('host:start-round', { seed: 8 })).toMatchObject({ ok: true, round: 2 })
    await host2.until(() => host2.outcomes.length === 1, 'round 2 on the new owner')
    expect(host2.outcomes[0]).toMatchObject({ round: 2, success: true })
    await phoneB1.until(() => phoneB1.outcomes.length === 2, 'round 2 outcome on a phone that never reconnected')

    const history = await b.request<HistoryResponse>('GET', `/api/sessions/${sessionId}/history`)
    expect(history.body.rounds.map((r) => [r.round, r.outcome?.success])).toEqual([
      [1, true],
      [2, true],
    ])
    const info = await b.request<SessionInfo>('GET', `/api/sessions/${sessionId}`)
    expect(info.body.seats.slice(1).map((seat) => seat.name)).toEqual(['Ada', 'Grace', 'Edsger'])
  }, 30_000)

  it('a running round whose owner dies is taken over by the periodic scan and finishes, with no traffic', async () => {
    const c = await cluster.start('C', 'scan')
    const d = await cluster.start('D', 'scan')
    // Bots only, paced so that the round is still running when its owner dies.
    const { sessionId, hostToken } = await c.createSession({ nodeCount: 4, pacingMs: 150, phaseTimeoutMs: 5000, phaseGapMs: 100 })
    const host = await cluster.connect(d, { sessionId, hostToken })
    expect(await host.emit('host:start-round', { seed: 3 })).toMatchObject({ ok: true, round: 1 })
    await host.until(() => host.host?.phase === 'prepare', 'round 1 in its prepare phase')

    c.app.cluster?.crash()
    await cluster.stop(c)

    // Nobody calls D about the session: its scan finds the expired lease and resumes the round.
    await host.until(() => host.outcomes.length === 1, 'the round to finish on D', 3 * LEASE_MS + 3000)
    expect(host.outcomes[0]).toMatchObject({ round: 1, success: true })
    expect(await cluster.redis.get(`scan:lease:${sessionId}`)).toBe('D')
    const history = await d.request<HistoryResponse>('GET', `/api/sessions/${sessionId}/history`)
    expect(history.body.rounds.map((r) => [r.round, r.outcome?.success])).toEqual([[1, true]])
  }, 15_000)

  it('a clean shutdown releases its leases at once, and the other instance serves the session', async () => {
    const e = await cluster.start('E', 'clean')
    const f = await cluster.start('F', 'clean')
    const { sessionId } = await e.createSession({ nodeCount: 4 })
    expect(await cluster.redis.get(`clean:lease:${sessionId}`)).toBe('E')
    await cluster.stop(e)
    expect(await cluster.redis.exists(`clean:lease:${sessionId}`)).toBe(0)
    const started = Date.now()
    const info = await f.request<SessionInfo>('GET', `/api/sessions/${sessionId}`)
    expect(info.status).toBe(200)
    expect(Date.now() - started).toBeLessThan(LEASE_MS)
    expect(await cluster.redis.get(`clean:lease:${sessionId}`)).toBe('F')
    expect((await f.request('GET', '/api/sessions/NOSUCH')).status).toBe(404)
  }, 10_000)
})
