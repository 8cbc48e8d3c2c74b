import { failureProbability, log10SuccessProbability, successProbability } from '@pbft/engine'
import { TheoryResponse } from '@pbft/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './testServer'

type ErrorReply = { error: { code: string; message: string } }

describe('GET /api/theory', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer()
  })

  afterAll(async () => {
    await server.app.close()
  })

  it('gives the exact value for N = 4, p = 0.9, with its complement, its logarithm and the rule', async () => {
    const response = await server.request<TheoryResponse>('GET', '/api/theory?nodes=4&p=0.9')
    expect(response).toEqual({
      status: 200,
      body: {
        points: [
          {
            nodes: 4,
            f: 1,
            p: 0.9,
            successRate: 0.5214612411125161,
            failureRate: failureProbability(4, 0.9, 1),
            log10SuccessRate: log10SuccessProbability(4, 0.9, 1),
            quorumRule: 'original',
          },
        ],
      },
    })
    expect(response.body.points[0]?.failureRate).toBeCloseTo(1 - 0.5214612411125161, 15)
  })

  it('takes the quorum rule: castro-liskov gives the paper’s values (MODEL.md)', async () => {
    const response = await server.request<TheoryResponse>('GET', '/api/theory?nodes=4,5&p=0.9&quorumRule=castro-liskov')
    const { points } = TheoryResponse.parse(response.body)
    expect(points.map((point) => [point.nodes, point.successRate, point.quorumRule])).toEqual([
      [4, 0.7907543172404601, 'castro-liskov'],
      [5, 0.5999811135935901, 'castro-liskov'],
    ])
    const bad = await server.request<ErrorReply>('GET', '/api/theory?nodes=4&p=0.9&quorumRule=paper')
    expect(bad).toEqual({ status: 400, body: { error: { code: 'VALIDATION', message: 'query.quorumRule: expected "original" or "castro-liskov", got "paper"' } } })
  })

  it('keeps the tails: 1 − P without cancellation near p = 1, log10 P where P underflows, null where P is 0', async () => {
    const near = TheoryResponse.parse((await server.request('GET', '/api/theory?nodes=100&p=0.99')).body).points[0]
    // MODEL.md: N = 100, p = 0.99 under the original rule: 1 − P = 1.8e-35, while P rounds to 1.
    expect(near?.successRate).toBe(1)
    expect(near?.failureRate).toBeGreaterThan(1.7e-35)
    expect(near?.failureRate).toBeLessThan(1.9e-35)
    const tiny = TheoryResponse.parse((await server.request('GET', '/api/theory?nodes=13&p=0.1')).body).points[0]
    expect(tiny?.successRate).toBeGreaterThan(2.7e-131)
    expect(tiny?.successRate).toBeLessThan(2.9e-131)
    expect(tiny?.log10SuccessRate).toBeCloseTo(Math.log10(2.8e-131), 1)
    // Four replicas under the original rule need every message: at p = 0, P = 0 and log10 P is null.
    const zero = TheoryResponse.parse((await server.request('GET', '/api/theory?nodes=4&p=0')).body).points[0]
    expect(zero).toMatchObject({ successRate: 0, failureRate: 1, log10SuccessRate: null })
  })

  it('expands the CLI ranges nodes-major, with f defaulting per N or given', async () => {
    const response = await server.request<TheoryResponse>('GET', `/api/theory?nodes=${encodeURIComponent('4,7,10')}&p=0.5:1:0.05`)
    const { points } = TheoryResponse.parse(response.body)
    expect(points).toHaveLength(33)
    expect(points.slice(0, 2).map(({ nodes, p }) => [nodes, p])).toEqual([[4, 0.5], [4, 0.55]])
    expect(points.every((point) => point.successRate === successProbability(point.nodes, point.p, point.f))).toBe(true)
    expect(new Set(points.map((point) => `${point.nodes}:${point.f}`))).toEqual(new Set(['4:1', '7:2', '10:3']))
    const withF = await server.request<TheoryResponse>('GET', '/api/theory?nodes=7&p=1&f=1')
    expect(withF.body.points).toEqual([{ nodes: 7, f: 1, p: 1, successRate: successProbability(7, 1, 1), failureRate: 0, log10SuccessRate: 0, quorumRule: 'original' }])
  })

  it.each([
    ['nodes=4&p=1.5', 'query.p: 1.5 is not a probability in [0, 1]'],
    ['nodes=0&p=1', 'query.nodes: 0 is not an integer >= 1'],
    ['p=0.9', 'query.nodes: required (a value, a list a,b,c or a range start:end:step)'],
    ['nodes=4&nodes=7&p=1', 'query.nodes: expected one value, got several'],
    ['nodes=4&p=0.5:1', 'query.p: 0.5:1 needs a step, e.g. 0.5:1:0.05'],
    ['nodes=10,4&p=1&f=4', 'query.f: 4 must be less than nodes, but nodes = 4'],
    ['nodes=1:1000&p=0:1:0.001', 'query: nodes × p gives 1001000 pairs, more than the 100000 allowed'],
  ])('rejects %s with 400 VALIDATION', async (query, message) => {
    const response = await server.request<ErrorReply>('GET', `/api/theory?${query}`)
    expect(response).toEqual({ status: 400, body: { error: { code: 'VALIDATION', message } } })
  })

  it('refuses a table too costly for one request, pointing to the CLI', async () => {
    const response = await server.request<ErrorReply>('GET', '/api/theory?nodes=9000:10000&p=0:1:0.02')
    expect(response.status).toBe(400)
    expect(response.body.error.code).toBe('VALIDATION')
    expect(response.body.error.message).toMatch(/too large.*use the CLI/)
  })
})
