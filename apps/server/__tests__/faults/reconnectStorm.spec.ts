import type { ConnectedNodesResponse, HistoryResponse, RoundTraceResponse } from '@pbft/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer, type LiveServer } from '../integration/liveServer'
import { ReconnectingClient, sleep } from './childServer'
import { actsPerPhase, autoPlay } from './play'

const CYCLES = 50

/** A deterministic PRNG (mulberry32) so that a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Four phones drop and come back 50 times each in the middle of rounds, interleaved with their
 * acts (some sent just before the drop, then retried): seats are never duplicated and every
 * replica acts exactly once per phase.
 */
describe('phones dropping and reconnecting 50 times each mid-round', () => {
  let server: LiveServer
  const clients: ReconnectingClient[] = []

  beforeAll(async () => {
    server = await startLiveServer({ lanAddress: null })
  })

  afterAll(async () => {
    for (const client of clients) client.close()
    await server.close()
  })

  it('keeps one seat per phone, no lost or doubled acts, and the rounds decide', async () => {
    const created = await server.createSession({ nodeCount: 4, pacingMs: 5, phaseTimeoutMs: 60_000, phaseGapMs: 5 })
    const { sessionId, hostToken } = created
    const seats = await Promise.all([0, 1, 2, 3].map((nodeId) => server.claim(sessionId, { nodeId })))
    const host = new ReconnectingClient(server.base, { sessionId, hostToken })
    const phones = seats.map((seat) => new ReconnectingClient(server.base, { sessionId, seatToken: seat.seatToken }))
    clients.push(host, ...phones)
    for (const client of clients) await client.until(() => client.connected, 'a first connection')

    // The host keeps rounds coming while the phones misbehave.
    let stormOver = false
    host.socket.on('round:outcome', () => {
      if (!stormOver) void host.emit('host:start-round').catch(() => undefined)
    })
    expect(await host.emit('host:start-round')).toMatchObject({ ok: true, round: 1 })

    const duplicateSeen: string[] = []
    const refused: string[] = []
    const retries: string[] = []
    const storm = async (phone: ReconnectingClient, index: number): Promise<void> => {
      const random = prng(1000 + index)
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const view = phone.replica
        const mode = cycle % 3
        let retry = false
        if (mode === 0) {
          // The app's own disconnect and connect.
          phone.socket.disconnect()
          phone.socket.connect()
        } else if (mode === 1) {
          // The transport dies under the socket (Wi-Fi drop): the client reconnects by itself.
          phone.socket.io.engine.close()
        } else {
          // An act goes out and the phone drops before its ack; it retries after coming back.
          if (view?.canAct) {
            retry = true
            void phone.emit('replica:act', {}, 2000).catch(() => undefined)
          }
          phone.socket.disconnect()
          phone.socket.connect()
        }
        await phone.until(() => phone.connected && phone.viewsSinceConnect > 0, `phone ${index} to come back (cycle ${cycle})`, 10_000)
        // A blind retry (the ack never came) whatever the view says; otherwise act when asked, now and then.
        if (retry || (phone.replica?.canAct && random() < 0.35)) {
          const ack = await phone.emit('replica:act', {}, 5000).catch((error: unknown) => ({ ok: false as const, error: { code: 'LOST', message: String(error) } }))
          if (!ack.ok) refused.push(ack.error.code)
          if (retry) retries.push(ack.ok ? 'ok' : ack.error.code)
        }
        if (cycle % 10 === index) {
          const nodes = await server.request<ConnectedNodesResponse>('GET', `/api/sessions/${sessionId}/connected-nodes`)
          const ids = nodes.body.connectedNodes
          if (new Set(ids).size !== ids.length || nodes.body.seats.length !== 4) duplicateSeen.push(JSON.stringify(nodes.body.connectedNodes))
        }
        await sleep(Math.floor(random() * 8))
      }
    }
    await Promise.all(phones.map((phone, index) => storm(phone, index)))
    expect(phones.map((phone) => phone.connects)).toEqual(phones.map(() => expect.any(Number)))
    for (const phone of phones) expect(phone.connects).toBeGreaterThan(CYCLES)

    // Storm over: the phones play the last round to its end.
    stormOver = true
    const roundsStarted = host.host?.round ?? 1
    phones.forEach((phone) => autoPlay(phone))
    await host.until(() => host.outcomes.some((outcome) => outcome.round === roundsStarted), `round ${roundsStarted} to decide`, 20_000)

    expect(duplicateSeen).toEqual([])
    // Refusals are only "you already did that": NOT_PENDING for a retry within the round, or
    // NO_ROUND when the retried act was the one that ended the round (the next had not started).
    expect(refused.filter((code) => code !== 'NOT_PENDING' && code !== 'NO_ROUND')).toEqual([])
    // Blind retries happened, and the ones whose first send had landed were refused, not doubled.
    expect(retries.length).toBeGreaterThan(0)
    expect(retries).toContain('NOT_PENDING')
    const nodes = await server.request<ConnectedNodesResponse>('GET', `/api/sessions/${sessionId}/connected-nodes`)
    expect(nodes.body.connectedNodes).toEqual([0, 1, 2, 3])
    expect(nodes.body.seats.map((seat) => [seat.nodeId, seat.holder, seat.online])).toEqual([
      [0, 'human', true],
      [1, 'human', true],
      [2, 'human', true],
      [3, 'human', true],
    ])

    // Every round decided, and in each, every replica acted exactly once per phase.
    const history = await server.request<HistoryResponse>('GET', `/api/sessions/${sessionId}/history`)
    const decided = history.body.rounds.filter((round) => !round.aborted)
    expect(decided.length).toBeGreaterThanOrEqual(1)
    for (const round of decided) {
      expect(round.outcome, `round ${round.round}`).toMatchObject({ success: true })
      const trace = await server.request<RoundTraceResponse>('GET', `/api/sessions/${sessionId}/history?round=${round.round}`)
      const { acts, messages } = actsPerPhase(trace.body)
      // No phase closed on its timeout: every act came from a phone.
      expect(trace.body.round.log.filter((entry) => entry.type === 'close').map((entry) => entry.type === 'close' && entry.reason)).not.toContain('timeout')
      for (const [key, count] of acts) expect(count, `${key} in round ${round.round}`).toBe(1)
      expect([...acts.keys()].filter((key) => key.startsWith('commit:')).length).toBe(4)
      // One act is one batch of messages: the same count for every sender of a phase.
      for (const phase of ['prepare', 'commit']) {
        const counts = new Set([...messages].filter(([key]) => key.startsWith(`${phase}:`)).map(([, count]) => count))
        expect(counts.size, `${phase} message counts in round ${round.round}`).toBe(1)
      }
    }

    // When the phones go for good, no seat keeps a stale connection.
    for (const phone of phones) phone.close()
    await host.until(() => host.info?.connectedNodes.length === 0, 'every seat to be seen away')
    const after = await server.request<ConnectedNodesResponse>('GET', `/api/sessions/${sessionId}/connected-nodes`)
    expect(after.body.connectedNodes).toEqual([])
  }, 45_000)
})
