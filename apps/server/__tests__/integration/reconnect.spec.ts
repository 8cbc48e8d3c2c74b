import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { autoPlay, Client, startLiveServer, type LiveServer } from './liveServer'

describe('a phone that sleeps or reloads', () => {
  let server: LiveServer
  const clients: Client[] = []

  beforeAll(async () => {
    server = await startLiveServer()
  })

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
  })

  it('gets its seat back with its token, sees the round where it is at once, and carries on', async () => {
    const created = await server.createSession({ nodeCount: 4, pacingMs: 5, phaseTimeoutMs: 5000, phaseGapMs: 5 })
    const { sessionId } = created
    const seats = await Promise.all([1, 2, 3].map((nodeId) => server.claim(sessionId, { nodeId })))
    const host = await Client.connect(server.base, { sessionId, hostToken: created.hostToken })
    clients.push(host)
    const phones = await Promise.all(seats.map((seat) => Client.connect(server.base, { sessionId, seatToken: seat.seatToken })))
    clients.push(...phones)
    autoPlay(phones[0]!)
    autoPlay(phones[2]!)
    const sleepy = phones[1]!

    await host.emit('host:start-round')
    // Seat 2 receives the pre-prepare and the prepare phase opens; then the phone sleeps.
    await sleepy.until(() => sleepy.replica?.phase === 'prepare' && sleepy.replica.canAct, 'seat 2 to be asked to prepare')
    sleepy.close()
    await host.until(() => host.info?.seats[2]?.online === false, 'the host to see seat 2 away')
    await host.until(() => host.host?.pending.join() === '2', 'everyone but seat 2 to have prepared')
    expect(host.info?.seats[2]).toMatchObject({ holder: 'human', playedBy: 'nobody' })

    const back = await Client.connect(server.base, { sessionId, seatToken: seats[1]!.seatToken })
    clients.push(back)
    // The very first view after reconnecting is the current state, mid-round.
    await back.until(() => back.replicaViews.length > 0, 'the view sent on connect')
    const first = back.replicaViews[0]!
    expect(first).toMatchObject({ nodeId: 2, round: 1, phase: 'prepare', canAct: true, action: 'prepare' })
    expect(first.received.map((m) => [m.phase, m.from])).toContainEqual(['pre-prepare', 0])
    expect(first.snapshot?.acceptedValue).toBe('the proposal')
    await host.until(() => host.info?.seats[2]?.online === true, 'the host to see seat 2 back')

    autoPlay(back)
    await host.until(() => host.outcomes.length === 1, 'the round to finish')
    expect(host.outcomes[0]).toMatchObject({ success: true, decidedValue: 'the proposal' })
    await back.until(() => back.replica?.outcome != null, 'seat 2 to see the outcome')
    expect(back.replica?.snapshot?.decidedValue).toBe('the proposal')
  })

  it('is played by a bot while away when the host allows it, and takes the seat back', async () => {
    const created = await server.createSession({ nodeCount: 4, pacingMs: 5, phaseTimeoutMs: 5000, phaseGapMs: 5, botTakeover: true })
    const { sessionId } = created
    const seat = await server.claim(sessionId, { nodeId: 3 })
    const host = await Client.connect(server.base, { sessionId, hostToken: created.hostToken })
    clients.push(host)
    await host.emit('host:start-round')
    await host.until(() => host.outcomes.length === 1, 'the round played by bots for the absent human')
    expect(host.outcomes[0]?.success).toBe(true)
    const phone = await Client.connect(server.base, { sessionId, seatToken: seat.seatToken })
    clients.push(phone)
    await host.until(() => host.info?.seats[3]?.playedBy === 'human', 'the human to take seat 3 back')
    autoPlay(phone)
    await host.emit('host:start-round')
    await host.until(() => host.outcomes.length === 2, 'a round with the human back')
    const acts = phone.replicaViews.filter((view) => view.round === 2 && view.canAct)
    expect(acts.length).toBeGreaterThan(0)
  })
})
