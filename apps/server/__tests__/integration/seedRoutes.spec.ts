import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer, type LiveServer } from './liveServer'

type Body = Record<string, unknown>

/** The original system's REST API, field by field, as its web app and scripts use it. */
describe('the seed-compatible session routes', () => {
  let server: LiveServer
  let sessionId: string
  let hostToken: string

  beforeAll(async () => {
    server = await startLiveServer({ publicUrl: 'http://classroom.local:3000/' })
  })

  afterAll(async () => {
    await server.close()
  })

  it('POST /api/sessions creates a session with defaults for every optional field', async () => {
    const response = await server.request<Body>('POST', '/api/sessions', { body: { nodeCount: 4, pacingMs: 5, phaseTimeoutMs: 2000, phaseGapMs: 5 } })
    expect(response.status).toBe(201)
    const body = response.body
    expect(Object.keys(body).sort()).toEqual(['config', 'createdAt', 'hostToken', 'joinUrl', 'sessionId', 'status', 'warnings'])
    expect(body.sessionId).toMatch(/^[A-HJ-NP-Z2-9]{6}$/)
    expect(body.hostToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(body.joinUrl).toBe(`http://classroom.local:3000/join/${String(body.sessionId)}`)
    expect(body.status).toBe('waiting')
    expect(body.config).toMatchObject({
      nodeCount: 4,
      faultyNodes: 0,
      robotNodes: 0,
      topology: 'full',
      branchCount: 2,
      proposalValue: 0,
      proposalContent: 'the proposal',
      maliciousProposer: false,
      allowTampering: false,
      messageDeliveryRate: 100,
      faults: {},
      botTakeover: false,
      authentication: true,
    })
    sessionId = String(body.sessionId)
    hostToken = String(body.hostToken)
  })

  it('accepts the original fields, and warns about what is not textbook PBFT', async () => {
    const response = await server.request<Body>('POST', '/api/sessions', {
      body: {
        nodeCount: 5,
        faultyNodes: 2,
        robotNodes: 1,
        topology: 'ring',
        branchCount: 3,
        proposalValue: 'A',
        proposalContent: 'pizza',
        maliciousProposer: true,
        allowTampering: true,
        messageDeliveryRate: 85.5,
        someFieldTheOldAppSent: 1,
      },
    })
    expect(response.status).toBe(201)
    expect(response.body.config).toMatchObject({ faultyNodes: 2, maliciousProposer: true, faults: { 0: 'equivocate', 4: 'equivocate' }, topology: 'ring' })
    const warnings = response.body.warnings as string[]
    expect(warnings.some((w) => /exceed f = 1/.test(w))).toBe(true)
    expect(warnings.some((w) => /N = 5 is not 3f \+ 1/.test(w))).toBe(true)
  })

  it('GET /api/sessions/:id gives public information, never tokens', async () => {
    const response = await server.request<Body>('GET', `/api/sessions/${sessionId.toLowerCase()}`)
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ sessionId, status: 'waiting', currentRound: 0, phase: null, totalNodes: 4, f: 1, connectedNodes: [], locked: false })
    expect(JSON.stringify(response.body)).not.toMatch(/token|hash/i)
  })

  it('POST /api/sessions/:id/assign-node claims seats in order, or the one asked for', async () => {
    const first = await server.request<Body>('POST', `/api/sessions/${sessionId}/assign-node`)
    expect(first.status).toBe(200)
    expect(Object.keys(first.body).sort()).toEqual(['client', 'fault', 'isByzantine', 'nodeId', 'role', 'seatToken', 'sessionId'])
    expect(first.body).toMatchObject({ sessionId, nodeId: 0, role: 'primary', fault: 'honest', isByzantine: false })
    const third = await server.request<Body>('POST', `/api/sessions/${sessionId}/assign-node`, { body: { nodeId: 3, name: 'Bo' } })
    expect(third.body).toMatchObject({ nodeId: 3, role: 'backup' })
    const taken = await server.request<Body>('POST', `/api/sessions/${sessionId}/assign-node`, { body: { nodeId: 3 } })
    expect(taken.status).toBe(409)
    expect(taken.body).toEqual({ error: { code: 'SEAT_TAKEN', message: 'seat 3 is already taken' } })
    await server.request('POST', `/api/sessions/${sessionId}/assign-node`, { body: {} })
    await server.request('POST', `/api/sessions/${sessionId}/assign-node`, { body: {} })
    const full = await server.request<Body>('POST', `/api/sessions/${sessionId}/assign-node`, { body: {} })
    expect(full.status).toBe(409)
    expect(full.body).toMatchObject({ error: { code: 'NO_FREE_SEAT' } })
  })

  it('GET /api/sessions/:id/connected-nodes lists seats (nobody online without a socket)', async () => {
    const response = await server.request<Body>('GET', `/api/sessions/${sessionId}/connected-nodes`)
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ sessionId, connectedNodes: [], totalNodes: 4 })
    const seats = response.body.seats as Body[]
    expect(seats[3]).toMatchObject({ nodeId: 3, holder: 'human', name: 'Bo', online: false, fault: 'honest', role: 'backup' })
  })

  it('GET /api/sessions/:id/status follows a round started over REST', async () => {
    // Every seat is a human who is not connected: bots may not play them, so the round waits.
    const started = await server.request<Body>('POST', `/api/sessions/${sessionId}/rounds`, { token: hostToken })
    expect(started).toMatchObject({ status: 201, body: { sessionId, round: 1, seed: expect.any(Number) } })
    const status = await server.request<Body>('GET', `/api/sessions/${sessionId}/status`)
    expect(status.body).toMatchObject({
      sessionId,
      status: 'running',
      currentRound: 1,
      phase: 'pre-prepare',
      connectedNodes: [],
      totalNodes: 4,
      pending: [0],
      messageDeliveryRate: 100,
      lastOutcome: null,
    })
    const twice = await server.request<Body>('POST', `/api/sessions/${sessionId}/rounds`, { token: hostToken })
    expect(twice.status).toBe(409)
  })

  it('POST /api/sessions/:id/reset-round aborts it; the history keeps it', async () => {
    const reset = await server.request<Body>('POST', `/api/sessions/${sessionId}/reset-round`, { token: hostToken })
    expect(reset).toEqual({ status: 200, body: { sessionId, aborted: 1, status: 'waiting' } })
    const history = await server.request<{ rounds: Body[] }>('GET', `/api/sessions/${sessionId}/history`)
    expect(history.status).toBe(200)
    expect(history.body.rounds).toHaveLength(1)
    expect(history.body.rounds[0]).toMatchObject({ round: 1, aborted: true, outcome: null, seed: expect.any(Number) })
    const trace = await server.request<Body>('GET', `/api/sessions/${sessionId}/history?round=1`)
    // Only the client's REQUEST to the primary went out (the projector sends it as the round starts).
    expect(trace).toMatchObject({ status: 200, body: { sessionId, trace: [{ phase: 'request', from: 4, to: 0, view: 0 }] } })
    expect((trace.body.trace as unknown[]).length).toBe(1)
    expect((await server.request('GET', `/api/sessions/${sessionId}/history?round=9`)).status).toBe(404)
  })

  it('POST /api/sessions/:id/run-batch-experiment reports rates in percent with 2 decimals', async () => {
    const created = await server.request<Body>('POST', '/api/sessions', { body: { nodeCount: 10, messageDeliveryRate: 90 } })
    const id = String(created.body.sessionId)
    const token = String(created.body.hostToken)
    const started = performance.now()
    const response = await server.request<Body>('POST', `/api/sessions/${id}/run-batch-experiment?rounds=10000`, { token })
    const elapsed = performance.now() - started
    expect(response.status).toBe(200)
    const body = response.body
    for (const key of ['results', 'theoreticalSuccessRate', 'experimentalSuccessRate', 'totalRounds', 'successCount', 'failureCount']) {
      expect(body, key).toHaveProperty(key)
    }
    expect(body.totalRounds).toBe(10000)
    expect(body.theoreticalSuccessRate).toBe(58.08)
    const rate = body.experimentalSuccessRate as number
    expect(Math.round(rate * 100) / 100).toBe(rate)
    expect(Math.abs(rate - 58.08)).toBeLessThan(2.5)
    expect((body.successCount as number) + (body.failureCount as number)).toBe(10000)
    const results = body.results as Body[]
    expect(results).toHaveLength(10000)
    expect(Object.keys(results[0] ?? {})).toEqual(expect.arrayContaining(['round', 'success', 'messageCount', 'failureReason']))
    expect(results.find((r) => r.success === false)?.failureReason).toMatch(/^(pre-prepare|prepare|commit): N(pp|p|c)=\d+ < N-f=7$/)
    // Well under a second end to end (the original system: 16 s for 300 rounds).
    expect(elapsed).toBeLessThan(1000)
    const bad = await server.request<Body>('POST', `/api/sessions/${id}/run-batch-experiment?rounds=100001`, { token })
    expect(bad.status).toBe(400)
  })

  it('run-batch-experiment is host-only and bounded: one per session and per client, rounds × N² ≤ 10^8', async () => {
    const created = await server.request<Body>('POST', '/api/sessions', { body: { nodeCount: 100 } })
    const id = String(created.body.sessionId)
    const token = String(created.body.hostToken)
    const other = await server.request<Body>('POST', '/api/sessions', { body: { nodeCount: 10 } })
    const url = (rounds: number, sessionId = id) => `/api/sessions/${sessionId}/run-batch-experiment?rounds=${rounds}`
    expect(await server.request<Body>('POST', url(10))).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
    expect(await server.request<Body>('POST', url(10), { token: String(other.body.hostToken) })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } })
    const tooMuch = await server.request<Body>('POST', url(10_001), { token })
    expect(tooMuch).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION', message: expect.stringContaining('at most 10000 rounds at N = 100') } } })
    // While one batch of this client runs, its second is refused, in this session (BUSY) and in another (429).
    const first = server.request<Body>('POST', url(2000), { token })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const again = await server.request<Body>('POST', url(10), { token })
    const elsewhere = await server.request<Body>('POST', url(10, String(other.body.sessionId)), { token: String(other.body.hostToken) })
    expect((await first).status).toBe(200)
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'BUSY' } } })
    expect(elsewhere).toMatchObject({ status: 429, body: { error: { code: 'TOO_MANY_BATCHES' } } })
    expect((await server.request<Body>('POST', url(10), { token })).status).toBe(200)
  })

  it('DELETE /api/sessions/:id removes it for everyone', async () => {
    const deleted = await server.request<Body>('DELETE', `/api/sessions/${sessionId}`, { token: hostToken })
    expect(deleted).toEqual({ status: 200, body: { sessionId, deleted: true } })
    const gone = await server.request<Body>('GET', `/api/sessions/${sessionId}`)
    expect(gone.status).toBe(404)
    expect(gone.body).toMatchObject({ error: { code: 'NOT_FOUND' } })
  })
})
