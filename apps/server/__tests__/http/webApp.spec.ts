import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app'

/** A GET with exactly these headers (fetch would add and decode Accept-Encoding itself). */
function raw(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject)
  })
}

describe('the web app is served like a production app', () => {
  let app: FastifyInstance
  let base: string
  let webRoot: string
  const script = `export const app = "${'pbft '.repeat(2000)}"\n`

  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'pbft-web-'))
    mkdirSync(join(webRoot, 'assets'))
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>PBFT</title><script type="module" src="/assets/index-Ab12Cd34.js"></script>')
    const asset = join(webRoot, 'assets', 'index-Ab12Cd34.js')
    writeFileSync(asset, script)
    writeFileSync(`${asset}.br`, brotliCompressSync(script))
    writeFileSync(`${asset}.gz`, gzipSync(script))
    app = await buildApp({ webRoot, lanAddress: null })
    base = await app.listen({ port: 0, host: '127.0.0.1' })
  })

  afterAll(async () => {
    await app.close()
    rmSync(webRoot, { recursive: true, force: true })
  })

  it('sends hashed assets precompressed (brotli, else gzip) and cached for a year', async () => {
    const br = await raw(`${base}/assets/index-Ab12Cd34.js`, { 'accept-encoding': 'gzip, deflate, br' })
    expect(br.status).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(br.body.length).toBeLessThan(script.length / 10)
    expect(brotliDecompressSync(br.body).toString()).toBe(script)
    const gz = await raw(`${base}/assets/index-Ab12Cd34.js`, { 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    const plain = await raw(`${base}/assets/index-Ab12Cd34.js`)
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body.toString()).toBe(script)
  })

  it('revalidates index.html, for the root and for client routes', async () => {
    for (const path of ['/', '/index.html', '/node/ABCDEF/1']) {
      const page = await raw(`${base}${path}`, { accept: 'text/html' })
      expect(page.status, path).toBe(200)
      expect(page.headers['cache-control'], path).toBe('no-cache')
    }
  })

  it('sets security headers on pages and API answers alike', async () => {
    for (const path of ['/', '/api/health', '/api/nope']) {
      const response = await raw(`${base}${path}`, { accept: 'text/html' })
      const csp = String(response.headers['content-security-policy'])
      expect(csp, path).toContain("frame-ancestors 'none'")
      expect(csp, path).toContain("script-src 'self'")
      expect(csp, path).toContain("default-src 'self'")
      expect(response.headers['x-content-type-options'], path).toBe('nosniff')
      expect(response.headers['referrer-policy'], path).toBe('no-referrer')
      expect(response.headers['x-frame-options'], path).toBe('DENY')
    }
  })

  it('keeps the Swagger UI at /docs working', async () => {
    const docs = await raw(`${base}/docs/`, { accept: 'text/html' })
    expect(docs.status).toBe(200)
    expect(docs.body.toString()).toContain('swagger-ui-bundle.js')
    expect(docs.body.toString()).not.toMatch(/<script>(?!\s*<\/script>)/)
    expect((await raw(`${base}/docs/static/swagger-initializer.js`)).status).toBe(200)
    expect((await raw(`${base}/docs/json`)).status).toBe(200)
  })
})
