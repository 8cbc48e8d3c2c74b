import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer, type LiveServer } from '../integration/liveServer'

type ErrorBody = { error: { code: string; message: string } }

describe('session routes refuse bad input with a 4xx error body', () => {
  let server: LiveServer
  let sessionId: string
  let hostToken: string

  beforeAll(async () => {
    server = await startLiveServer()
    const created = await server.createSession({ nodeCount: 4 })
    sessionId = created.sessionId
    hostToken = created.hostToken
  })

  afterAll(async () => {
    await server.close()
  })

  const badBodies: [string, unknown, RegExp][] = [
    ['no body', undefined, /^body: required/],
    ['not an object', '"four"', /^body: expected a JSON object/],
    ['nodeCount missing', {}, /^body\.nodeCount: required/],
    ['nodeCount as text', { nodeCount: '4' }, /^body\.nodeCount: expected an integer/],
    ['nodeCount too small', { nodeCount: 3 }, /at least 4 replicas/],
    ['nodeCount too large', { nodeCount: 101 }, /at most 100 replicas/],
    ['fractional nodeCount', { nodeCount: 4.5 }, /^body\.nodeCount/],
    ['faultyNodes = nodeCount', { nodeCount: 4, faultyNodes: 4 }, /faultyNodes must be less than nodeCount/],
    ['negative faultyNodes', { nodeCount: 4, faultyNodes: -1 }, /^body\.faultyNodes/],
    ['rate above 100', { nodeCount: 4, messageDeliveryRate: 150 }, /^body\.messageDeliveryRate/],
    ['unknown topology', { nodeCount: 4, topology: 'mesh' }, /^body\.topology/],
    ['unknown fault kind', { nodeCount: 4, faults: { 1: 'evil' } }, /^body\.faults\.1/],
    ['fault for a missing replica', { nodeCount: 4, faults: { 9: 'silent' } }, /no replica 9/],
    ['boolean as text', { nodeCount: 4, maliciousProposer: 'yes' }, /^body\.maliciousProposer/],
    ['everyone Byzantine', { nodeCount: 4, faults: { 0: 'silent', 1: 'silent', 2: 'silent', 3: 'silent' } }, /at least one replica must be honest/],
    ['bots slower than the timeout', { nodeCount: 4, pacingMs: 10_000, phaseTimeoutMs: 2000 }, /phaseTimeoutMs must be at least 30000 ms/],
    ['a proposal too long', { nodeCount: 4, proposalContent: 'x'.repeat(65) }, /^body\.proposalContent/],
  ]

  for (const [what, body, message] of badBodies) {
    it(`POST /api/sessions: ${what} → 400`, async () => {
      const response = await server.request<ErrorBody>('POST', '/api/sessions', { body })
      expect(response.status).toBe(400)
      expect(response.body.error.code).toBe('VALIDATION')
      expect(response.body.error.message).toMatch(message)
    })
  }

  it('malformed JSON and oversized bodies are 4xx', async () => {
    const malformed = await server.request<ErrorBody>('POST', '/api/sessions', { body: '{"nodeCount":' })
    expect(malformed.status).toBe(400)
    const huge = await server.request<ErrorBody>('POST', '/api/sessions', { body: { nodeCount: 4, pad: 'x'.repeat(300 * 1024) } })
    expect(huge.status).toBe(413)
    expect(typeof huge.body.error.code).toBe('string')
  })

  it('unknown sessions are 404 NOT_FOUND on every route', async () => {
    const routes = [
      ['GET', '/api/sessions/ZZZZZZ'],
      ['GET', '/api/sessions/ZZZZZZ/status'],
      ['GET', '/api/sessions/ZZZZZZ/connected-nodes'],
      ['GET', '/api/sessions/ZZZZZZ/history'],
      ['POST', '/api/sessions/ZZZZZZ/assign-node'],
      ['POST', '/api/sessions/ZZZZZZ/run-batch-experiment?rounds=1'],
      ['POST', '/api/sessions/ZZZZZZ/reset-round'],
      ['DELETE', '/api/sessions/ZZZZZZ'],
    ] as const
    for (const [method, path] of routes) {
      const response = await server.request<ErrorBody>(method, path, { token: hostToken })
      expect(response.status, `${method} ${path}`).toBe(404)
      expect(response.body.error.code).toBe('NOT_FOUND')
    }
  })

  it('bad params and queries are 400', async () => {
    const cases = [
      ['GET', '/api/sessions/not-a-code!'],
      ['GET', `/api/sessions/${sessionId}/history?round=abc`],
      ['GET', `/api/sessions/${sessionId}/history?round=0`],
      ['POST', `/api/sessions/${sessionId}/run-batch-experiment?rounds=0`],
      ['POST', `/api/sessions/${sessionId}/run-batch-experiment?rounds=1.5`],
      ['POST', `/api/sessions/${sessionId}/run-batch-experiment?rounds=lots`],
    ] as const
    for (const [method, path] of cases) {
      const response = await server.request<ErrorBody>(method, path)
      expect(response.status, path).toBe(400)
      expect(response.body.error.code).toBe('VALIDATION')
    }
  })

  it('assign-node checks its body', async () => {
    for (const body of [{ nodeId: 'one' }, { nodeId: -1 }, { nodeId: 4 }, { name: 'x'.repeat(41) }, { name: 7 }]) {
      const response = await server.request<ErrorBody>('POST', `/api/sessions/${sessionId}/assign-node`, { body })
      expect(response.status, JSON.stringify(body)).toBe(400)
    }
  })

  it('are documented in the OpenAPI document', async () => {
    const document = await server.request<{ paths: Record<string, unknown> }>('GET', '/docs/json')
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/sessions',
        '/api/sessions/{id}',
        '/api/sessions/{id}/status',
        '/api/sessions/{id}/rounds',
        '/api/sessions/{id}/reset-round',
        '/api/sessions/{id}/assign-node',
        '/api/sessions/{id}/connected-nodes',
        '/api/sessions/{id}/history',
        '/api/sessions/{id}/run-batch-experiment',
      ]),
    )
  })

  it('start-round checks its body and accepts a lower-case bearer', async () => {
    const bad = await server.request<ErrorBody>('POST', `/api/sessions/${sessionId}/rounds`, { body: { seed: 'x' }, token: hostToken })
    expect(bad.status).toBe(400)
    const response = await fetch(`${server.base}/api/sessions/${sessionId}/rounds`, {
      method: 'POST',
      headers: { authorization: `bearer ${hostToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 12345 }),
    })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ round: 1, seed: 12345 })
  })
})
