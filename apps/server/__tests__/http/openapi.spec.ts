import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './testServer'

interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>
}

describe('OpenAPI document and Swagger UI', () => {
  let server: TestServer
  let webRoot: string

  beforeAll(async () => {
    // With a built web app, so that its HTML fallback is in play too.
    webRoot = mkdtempSync(join(tmpdir(), 'pbft-web-'))
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>PBFT app</title>')
    writeFileSync(join(webRoot, 'app.js'), 'console.log(1)')
    server = await startTestServer({ webRoot })
  })

  afterAll(async () => {
    await server.app.close()
    rmSync(webRoot, { recursive: true, force: true })
  })

  it('lists the API routes at /docs/json, with schemas from zod, and nothing else', async () => {
    const response = await fetch(`${server.base}/docs/json`)
    expect(response.status).toBe(200)
    const document = (await response.json()) as OpenApiDocument
    expect(document.openapi).toMatch(/^3\./)
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/experiments',
      '/api/experiments/{id}',
      '/api/experiments/{id}/cancel',
      '/api/theory',
    ])
    expect(Object.keys(document.paths['/api/experiments/{id}'] ?? {}).sort()).toEqual(['delete', 'get'])
    const body = document.paths['/api/experiments']?.post?.requestBody?.content['application/json']?.schema
    expect(JSON.stringify(body)).toContain('"rounds"')
    expect(body).toMatchObject({ required: expect.arrayContaining(['nodes', 'p', 'rounds']) })
  })

  it('encodes the document once and answers every call with the same bytes, whatever the query', async () => {
    const first = await server.app.inject({ method: 'GET', url: '/docs/json' })
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(JSON.parse(first.body)).toEqual(server.app.swagger())
    // Changing the generated object (nothing does) would show if it were encoded per call.
    const document = server.app.swagger() as { info: { title: string } }
    const title = document.info.title
    document.info.title = 'changed after the first call'
    try {
      const again = await server.app.inject({ method: 'GET', url: '/docs/json?x=1' })
      expect(again.body).toBe(first.body)
    } finally {
      document.info.title = title
    }
  })

  it('serves Swagger UI as HTML at /docs, not the web app, with its assets from the package', async () => {
    const page = await fetch(`${server.base}/docs`, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    const html = await page.text()
    expect(html).toContain('swagger-ui')
    expect(html).not.toContain('PBFT app')
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[^"']*\.(js|css)/)
    expect((await fetch(`${server.base}/docs/`, { headers: { accept: 'text/html' } })).status).toBe(200)
    const bundle = await fetch(`${server.base}/docs/static/swagger-ui-bundle.js`)
    expect(bundle.status).toBe(200)
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000)
  })

  it('still serves the web app elsewhere', async () => {
    const page = await fetch(`${server.base}/experiments`, { headers: { accept: 'text/html' } })
    expect(await page.text()).toContain('PBFT app')
  })
})
