import { successProbability } from '@pbft/engine'
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

  it('gives the exact value for N = 4, p = 0.9', async () => {
    const response = await server.request<TheoryResponse>('GET', '/api/theory?nodes=4&p=0.9')
    expect(response).toEqual({ status: 200, body: { points: [{ nodes: 4, f: 1, p: 0.9, successRate: 0.5214612411125161 }] } })
  })

  it('expands the CLI ranges nodes-major, with f defaulting per N or given', async () => {
    const response = await server.request<TheoryResponse>('GET', `/api/theory?nodes=${encodeURIComponent('4,7,10')}&p=0.5:1:0.05`)
    const { points } = TheoryResponse.parse(response.body)
    expect(points).toHaveLength(33)
    expect(points.slice(0, 2).map(({ nodes, p }) => [nodes, p])).toEqual([[4, 0.5], [4, 0.55]])
    expect(points.every((point) => point.successRate === successProbability(point.nodes, point.p, point.f))).toBe(true)
    expect(new Set(points.map((point) => `${point.nodes}:${point.f}`))).toEqual(new Set(['4:1', '7:2', '10:3']))
    const withF = await server.request<TheoryResponse>('GET', '/api/theory?nodes=7&p=1&f=1')
    expect(withF.body.points).toEqual([{ nodes: 7, f: 1, p: 1, successRate: successProbability(7, 1, 1) }])
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
