import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openPage } from './support/browser'
import { startServer, type RunningServer } from './support/server'

let server: RunningServer
let browser: Browser

beforeAll(async () => {
  server = await startServer({ lanAddress: null })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the API docs under the Content-Security-Policy', () => {
  it('Swagger UI at /docs renders the OpenAPI document with no console error', async () => {
    const docs = await openPage(browser, `${server.url}/docs`)
    await docs.page.locator('.swagger-ui .info .title').waitFor({ timeout: 30_000 })
    expect(await docs.page.locator('.swagger-ui .info .title').textContent()).toContain('PBFT classroom server')
    await docs.page.locator('.opblock-tag').first().waitFor({ timeout: 30_000 })
    expect(docs.errors).toEqual([])
    await docs.close()
  })
})
