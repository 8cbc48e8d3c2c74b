import type { SessionInfo } from '@pbft/protocol'
import { describe, expect, it } from 'vitest'
import { LEASE_MS, useCluster } from './clusterFixture'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('instance liveness', () => {
  const cluster = useCluster()

  it('the seats of a crashed instance that does not own their session go offline on the owner', async () => {
    const a = await cluster.start('A', 'alive')
    const b = await cluster.start('B', 'alive')
    const c = await cluster.start('C', 'alive')
    expect(await cluster.redis.get('alive:instance:A')).toBe('A')

    // A owns the session; seat 1's phone is on B, seat 2's on C.
    const { sessionId, hostToken } = await a.createSession({ nodeCount: 4 })
    expect(await cluster.redis.get(`alive:lease:${sessionId}`)).toBe('A')
    const phoneB = await cluster.connect(b, { sessionId })
    const claimB = await phoneB.emit('seat:claim', { nodeId: 1, name: 'Ada' })
    expect(claimB).toMatchObject({ ok: true, nodeId: 1 })
    const phoneC = await cluster.connect(c, { sessionId })
    expect(await phoneC.emit('seat:claim', { nodeId: 2, name: 'Grace' })).toMatchObject({ ok: true, nodeId: 2 })
    const host = await cluster.connect(a, { sessionId, hostToken })
    const online = () => (host.info?.seats ?? []).filter((seat) => seat.online).map((seat) => seat.nodeId)
    await host.until(() => online().join() === '1,2', 'both phones online on the owner')
    expect(await host.emit('host:set-bot-takeover', { botTakeover: true })).toMatchObject({ ok: true })

    // Live instances keep their seats online, TTL after TTL.
    await sleep(3 * LEASE_MS)
    expect(online()).toEqual([1, 2])

    // B dies without a word: its phone's socket never says goodbye to A.
    b.app.cluster?.crash()
    await host.until(() => online().join() === '2', 'seat 1 (through the dead B) offline on the owner', 4 * LEASE_MS + 2000)
    expect(await cluster.redis.exists('alive:instance:B')).toBe(0)
    const info = await a.request<SessionInfo>('GET', `/api/sessions/${sessionId}`)
    expect(info.body.seats.filter((seat) => seat.online).map((seat) => seat.nodeId)).toEqual([2])
    expect(info.body.seats.find((seat) => seat.nodeId === 1)).toMatchObject({ name: 'Ada', online: false })

    // Bots take the away seat over (bot takeover is on), as for any phone that left.
    expect(info.body.seats.find((seat) => seat.nodeId === 1)?.playedBy).toBe('bot')

    // The phone comes back through C: online again, and tracked through C from now on.
    phoneB.close()
    const back = await cluster.connect(c, { sessionId, seatToken: claimB.seatToken as string })
    await back.until(() => back.replica !== null, 'seat 1 back through C')
    await host.until(() => online().join() === '1,2', 'seat 1 online again')
  }, 30_000)
})
