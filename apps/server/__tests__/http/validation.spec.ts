import Fastify, { type FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { Probability } from '@pbft/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DomainError } from '../../src/errors/domainError'
import { installErrorHandlers } from '../../src/http/errors'
import { useZodCompilers } from '../../src/http/openapi'
import { badRequest, parseOr400 } from '../../src/http/validation'
import { refusalOf } from '../errors/refusalOf'

describe('parseOr400', () => {
  it('returns the parsed value', () => {
    expect(parseOr400(z.object({ p: Probability }), { p: '0.5' }, 'query')).toEqual({ p: 0.5 })
  })

  it('refuses with a 400 VALIDATION naming the first bad field', async () => {
    expect(await refusalOf(() => parseOr400(z.object({ p: Probability }), { p: '1.5' }, 'query'))).toEqual({
      status: 400,
      code: 'VALIDATION',
      message: 'query.p: 1.5 is not a probability in [0, 1]',
    })
    expect(await refusalOf(() => badRequest('query: too large'))).toEqual({ status: 400, code: 'VALIDATION', message: 'query: too large' })
  })
})

describe('the error handler on a real port', () => {
  let app: FastifyInstance
  let base: string

  beforeAll(async () => {
    app = Fastify({ logger: false })
    installErrorHandlers(app)
    useZodCompilers(app)
    const api = app.withTypeProvider<ZodTypeProvider>()
    api.get('/manual', async (request) => parseOr400(z.object({ n: z.coerce.number().int() }), request.query, 'query'))
    api.get('/conflict', async () => {
      throw new DomainError('CONFLICT', 'already there')
    })
    api.get('/full', async () => {
      throw new DomainError('EXPERIMENTS_FULL', 'two are running')
    })
    api.post('/schema/:id', { schema: { params: z.object({ id: z.string().max(3) }), body: z.object({ nodes: z.array(z.int()) }) } }, async () => 'ok')
    api.get('/crash', async () => {
      throw new Error('secret internals')
    })
    base = await app.listen({ port: 0, host: '127.0.0.1' })
  })

  afterAll(async () => {
    await app.close()
  })

  const call = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path}`, init)
    return { status: response.status, body: (await response.json()) as unknown }
  }
  const post = (path: string, body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

  it('answers a domain error with the status and code of the refusals table, in the error shape', async () => {
    expect(await call('/manual?n=x')).toEqual({ status: 400, body: { error: { code: 'VALIDATION', message: 'query.n: Invalid input: expected number, received NaN' } } })
    expect(await call('/conflict')).toEqual({ status: 409, body: { error: { code: 'CONFLICT', message: 'already there' } } })
    expect(await call('/full')).toEqual({ status: 429, body: { error: { code: 'BUSY', message: 'two are running' } } })
  })

  it('maps schema validation failures of the zod type provider to VALIDATION with the field path', async () => {
    const body = await call('/schema/abc', post('/schema/abc', { nodes: [1, 'x'] }))
    expect(body).toEqual({ status: 400, body: { error: { code: 'VALIDATION', message: 'body.nodes.1: Invalid input: expected number, received string' } } })
    const params = await call('/schema/toolong', post('/schema/toolong', { nodes: [] }))
    expect(params.status).toBe(400)
    expect(params.body).toMatchObject({ error: { code: 'VALIDATION', message: expect.stringMatching(/^params\.id: /) } })
  })

  it('hides internal errors behind a 500 INTERNAL', async () => {
    expect(await call('/crash')).toEqual({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal server error' } } })
  })
})
