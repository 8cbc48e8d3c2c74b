import type { FaultKind, HistoryResponse, RoundOutcome, RoundTraceResponse } from '@pbft/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { autoPlay, Client, startLiveServer, type LiveServer } from './liveServer'

/** One view a round: these are one-attempt outcomes; safety across views is the engine's property test (and views.spec.ts). */
const FAST = { pacingMs: 5, phaseTimeoutMs: 4000, phaseGapMs: 5, maxViews: 1 }

describe('Byzantine replicas in live rounds', () => {
  let server: LiveServer
  const clients: Client[] = []

  beforeAll(async () => {
    server = await startLiveServer()
  })

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
  })

  /** Plays `rounds` rounds one after the other through the host socket; returns their outcomes. */
  async function playRounds(host: Client, rounds: number): Promise<RoundOutcome[]> {
    for (let i = 0; i < rounds; i++) {
      const ack = await host.emit('host:start-round')
      expect(ack.ok, JSON.stringify(ack)).toBe(true)
      await host.until(() => host.outcomes.length === i + 1, `outcome of round ${i + 1}`)
    }
    return host.outcomes
  }

  it('one equivocating replica (f = 1 at N = 4) never breaks safety, whatever the seed', async () => {
    const cases: Record<string, FaultKind>[] = [{ 0: 'equivocate' }, { 2: 'equivocate' }]
    for (const faults of cases) {
      const created = await server.createSession({ nodeCount: 4, ...FAST, faults, messageDeliveryRate: 90 })
      expect(created.warnings).toEqual([])
      const host = await Client.connect(server.base, { sessionId: created.sessionId, hostToken: created.hostToken })
      clients.push(host)
      const outcomes = await playRounds(host, 6)
      expect(new Set(outcomes.map((o) => o.seed)).size).toBe(6)
      for (const outcome of outcomes) {
        expect(outcome.safetyViolation).toBe(false)
        expect(outcome.decidedValues.length).toBeLessThanOrEqual(1)
      }
    }
  })

  it('f + 1 colluding equivocators (replicas 0 and 1) split the honest replicas, and the history says so', async () => {
    const created = await server.createSession({ nodeCount: 4, ...FAST, faults: { 0: 'equivocate', 1: 'equivocate' } })
    expect(created.warnings.join(' ')).toMatch(/2 Byzantine replicas exceed f = 1/)
    const { sessionId } = created
    // Replica 1 is a human colluding with the bot primary; 2 and 3 are honest humans.
    const phones: Client[] = []
    for (const nodeId of [1, 2, 3]) {
      const seat = await server.claim(sessionId, { nodeId })
      expect(seat.isByzantine).toBe(nodeId === 1)
      const phone = await Client.connect(server.base, { sessionId, seatToken: seat.seatToken })
      phones.push(phone)
      clients.push(phone)
    }
    const [colluder, even, odd] = phones as [Client, Client, Client]
    // The human colluder sends the proposal to even replicas and the conflicting value to odd ones, explicitly.
    autoPlay(colluder, (view) => ({ values: view.byzantine?.defaultValues }))
    autoPlay(even)
    autoPlay(odd)
    const host = await Client.connect(server.base, { sessionId, hostToken: created.hostToken })
    clients.push(host)

    const [outcome] = await playRounds(host, 1)
    expect(outcome).toMatchObject({ safetyViolation: true, decidedValues: ['the proposal', 'the proposal′'], decidedValue: null })
    // Who decided what: the phones name them.
    expect(outcome?.decidedBy).toEqual([
      { value: 'the proposal', replicas: [2] },
      { value: 'the proposal′', replicas: [3] },
    ])
    await even.until(() => even.replica?.outcome != null, 'replica 2 to see the outcome')
    await odd.until(() => odd.replica?.outcome != null, 'replica 3 to see the outcome')
    expect(even.replica?.snapshot?.decidedValue).toBe('the proposal')
    expect(odd.replica?.snapshot?.decidedValue).toBe('the proposal′')
    expect(colluder.errors).toEqual([])

    const history = await server.request<HistoryResponse>('GET', `/api/sessions/${sessionId}/history`)
    expect(history.body.rounds).toHaveLength(1)
    expect(history.body.rounds[0]?.outcome?.safetyViolation).toBe(true)
    const replay = await server.request<RoundTraceResponse>('GET', `/api/sessions/${sessionId}/history?round=1`)
    expect(replay.status).toBe(200)
    expect(replay.body.trace).toEqual(host.trace)
    const fromColluder = replay.body.trace.filter((m) => m.phase === 'prepare' && m.from === 1)
    expect(fromColluder.map((m) => [m.to, m.value])).toEqual([
      [0, 'the proposal'],
      [2, 'the proposal'],
      [3, 'the proposal′'],
    ])
  })
})
