import { gunzipSync } from 'node:zlib'
import { VIEW_ZERO, type RoundLogEntry, type RoundRecord } from '@pbft/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyEntry, liveRoundOf, replay } from '../../src/sessions/roundLog'
import { startLiveServer, type LiveServer } from '../integration/liveServer'

/** A finished all-honest round at N = 100 (every replica acts in every phase): ~20,000 messages. */
function bigRound(round: number, seed: number): RoundRecord {
  const nodes = 100
  const record: RoundRecord = {
    round,
    seed,
    startedAt: 0,
    faults: Array<'honest'>(nodes).fill('honest'),
    p: 0.95,
    proposal: 'x',
    authentication: true,
    log: [],
    quorumRule: 'original',
    ...VIEW_ZERO,
    finishedAt: 1,
    aborted: false,
    outcome: null,
  }
  const live = liveRoundOf(record)
  while (live.phase !== 'done') {
    for (const replica of live.pending()) {
      const entry: RoundLogEntry = { type: 'act', replica, by: 'bot', at: 0 }
      applyEntry(live, entry)
      record.log.push(entry)
    }
    if ((live.phase as string) !== 'done') {
      const entry: RoundLogEntry = { type: 'close', reason: 'complete', at: 0 }
      applyEntry(live, entry)
      record.log.push(entry)
    }
  }
  return record
}

/** The longest the event loop went without running a 1 ms timer while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now()
  let longest = 0
  const probe = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
  }, 1)
  try {
    await work()
  } finally {
    clearInterval(probe)
  }
  return longest
}

describe('GET /api/sessions/:id/history?round=r at N = 100', () => {
  let server: LiveServer
  let sessionId: string
  const rounds = [1, 2, 3, 4, 5].map((round) => bigRound(round, 10 + round))

  beforeAll(async () => {
    server = await startLiveServer({ sessions: { roundTraces: { perClient: 2, computing: 4 } } })
    sessionId = (await server.createSession({ nodeCount: 100 })).sessionId
    server.app.sessions.get(sessionId).rounds.push(...rounds)
  })

  afterAll(async () => {
    await server.close()
  })

  it('the first replay never holds the event loop for 50 ms, and matches the live trace', async () => {
    let json = ''
    // A first replay is ~100 ms of CPU: in one piece it would stall every time. Other test
    // files share the two cores, so one pause may come from the scheduler, not from us: the
    // best of three first replays (rounds 4, 5, then 1) must stay under 50 ms.
    const stalls: number[] = []
    for (const round of [4, 5, 1]) {
      stalls.push(
        await longestStall(async () => {
          json = (await server.app.sessions.roundTraceJson(sessionId, round)).toString()
        }),
      )
    }
    expect(Math.min(...stalls), `longest pauses: ${stalls.map((ms) => ms.toFixed(1)).join(', ')} ms`).toBeLessThan(50)
    const body = JSON.parse(json) as { sessionId: string; round: RoundRecord; trace: unknown[] }
    expect(body.sessionId).toBe(sessionId)
    expect(body.round.round).toBe(1)
    expect(body.trace).toEqual(JSON.parse(JSON.stringify(replay(rounds[0] as RoundRecord).trace)))
    expect(body.trace.length).toBeGreaterThan(15_000)
  })

  it('is served from the cache afterwards, as JSON, without replaying again', async () => {
    const before = server.app.sessions.cachedTraces
    expect(before.rounds).toBe(3)
    const response = await server.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/history?round=1` })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect(response.json<{ round: { round: number } }>().round.round).toBe(1)
    // A browser (Accept-Encoding: gzip) gets the cached gzip bytes: ~6× fewer on the Wi-Fi.
    const gzipped = await server.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/history?round=1`, headers: { 'accept-encoding': 'gzip, deflate, br' } })
    expect(gzipped.headers['content-encoding']).toBe('gzip')
    expect(gzipped.rawPayload.length).toBeLessThan(response.rawPayload.length / 4)
    expect(gunzipSync(gzipped.rawPayload).equals(response.rawPayload)).toBe(true)
    expect(server.app.sessions.cachedTraces).toEqual(before)
  })

  it('a client may have 2 replays in flight; a third is 429 TOO_MANY_REPLAYS, others are still served', async () => {
    const ask = (round: number, remoteAddress: string) => server.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/history?round=${round}`, remoteAddress })
    const [a, b, c] = await Promise.all([ask(2, '10.1.1.1'), ask(3, '10.1.1.1'), ask(1, '10.1.1.1')])
    expect(a?.statusCode).toBe(200)
    expect(b?.statusCode).toBe(200)
    expect(c?.statusCode).toBe(429)
    expect(c?.json()).toEqual({ error: { code: 'TOO_MANY_REPLAYS', message: expect.stringContaining('per client') } })
    expect((await ask(1, '10.1.1.2')).statusCode).toBe(200)
    expect((await ask(1, '10.1.1.1')).statusCode).toBe(200)
  })
})
