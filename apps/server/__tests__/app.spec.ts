import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { HealthResponse } from '@pbft/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app'

describe('the HTTP app on a real port', () => {
  let app: FastifyInstance
  let base: string
  let webRoot: string

  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'pbft-web-'))
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>PBFT</title>')
    app = await buildApp({ webRoot })
    base = await app.listen({ port: 0, host: '127.0.0.1' })
  })

  afterAll(async () => {
    await app.close()
    rmSync(webRoot, { recursive: true, force: true })
  })

  it('answers GET /api/health with the documented shape', async () => {
    const response = await fetch(`${base}/api/health`)
    expect(response.status).toBe(200)
    const body = HealthResponse.parse(await response.json())
    expect(body.status).toBe('ok')
  })

  it('answers unknown API routes with a JSON 404, not the page', async () => {
    const response = await fetch(`${base}/api/nope`, { headers: { accept: 'text/html' } })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for GET /api/nope' } })
  })

  it('serves the single-page app for HTML navigations to client routes', async () => {
    const response = await fetch(`${base}/join/abc`, { headers: { accept: 'text/html' } })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<title>PBFT</title>')
  })

  it('does not answer missing assets with the page', async () => {
    const response = await fetch(`${base}/assets/missing.js`, { headers: { accept: '*/*' } })
    expect(response.status).toBe(404)
  })

  it('rejects malformed JSON bodies with a 4xx error body', async () => {
    const response = await fetch(`${base}/api/health`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    })
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    const body = (await response.json()) as { error: { code: string } }
    expect(typeof body.error.code).toBe('string')
  })
})
