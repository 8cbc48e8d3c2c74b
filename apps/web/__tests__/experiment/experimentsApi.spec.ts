import { describe, expect, it } from 'vitest'
import {
  cancelExperiment,
  createExperiment,
  ExperimentApiError,
  getExperiment,
  ServerUnavailableError,
} from '../../src/experiment/experimentsApi'
import { CANCEL_TOKEN, fakeExperimentServer } from '../support/fakeExperimentServer'

const body = { nodes: [4, 7], p: [0.8, 0.9], rounds: 100, seed: 1 }

describe('the experiments API client', () => {
  it('starts an experiment and reads it back', async () => {
    const server = fakeExperimentServer({ pollsBeforeDone: 0 })
    const created = await createExperiment(body, server.fetch)
    expect(created).toEqual({ id: 'exp-1', status: 'running', total: 400, createdAt: '2025-01-01T00:00:00.000Z', cancelToken: CANCEL_TOKEN })
    const record = await getExperiment(created.id, server.fetch)
    expect(record.status).toBe('done')
    expect(server.calls).toEqual(['POST /api/experiments', 'GET /api/experiments/exp-1'])
  })

  it('cancels with the token the creation answered, as a bearer token', async () => {
    const server = fakeExperimentServer({ pollsBeforeDone: 1000 })
    const created = await createExperiment(body, server.fetch)
    await expect(cancelExperiment(created.id, 'not-the-token', server.fetch)).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' })
    await cancelExperiment(created.id, created.cancelToken, server.fetch)
    expect((await getExperiment(created.id, server.fetch)).status).toBe('cancelled')
  })

  it("turns the server's error body into an error carrying its message", async () => {
    const server = fakeExperimentServer({ reject: { status: 400, code: 'VALIDATION', message: 'body.rounds: 0 is not an integer >= 1' } })
    const error = await createExperiment(body, server.fetch).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ExperimentApiError)
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION', message: 'body.rounds: 0 is not an integer >= 1' })
  })

  it('reports a missing server, or one without the route, as unavailable', async () => {
    await expect(createExperiment(body, fakeExperimentServer({ unreachable: true }).fetch)).rejects.toBeInstanceOf(ServerUnavailableError)
    const noRoute = fakeExperimentServer({ reject: { status: 404, code: 'NOT_FOUND', message: 'no route' } })
    await expect(createExperiment(body, noRoute.fetch)).rejects.toBeInstanceOf(ServerUnavailableError)
    const gateway = fakeExperimentServer({ reject: { status: 503, code: 'UNAVAILABLE', message: 'busy' } })
    await expect(createExperiment(body, gateway.fetch)).rejects.toBeInstanceOf(ServerUnavailableError)
  })

  it('refuses answers that break the contract', async () => {
    const liar = (async () => new Response(JSON.stringify({ id: 'x' }), { status: 202 })) as typeof fetch
    await expect(createExperiment(body, liar)).rejects.toThrow()
  })
})
