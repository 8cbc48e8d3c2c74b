import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AssignNodeResponse, CreateSessionResponse } from '@pbft/protocol'
import { launchBrowser, PHONE } from './support/browser'
import { startServer, type RunningServer } from './support/server'

/** What a phone may download to show its replica page: 100 phones share one classroom Wi-Fi. */
const NODE_PAGE_WIRE_BUDGET_BYTES = 160 * 1024
const WAIT = 30_000

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

async function post<T>(path: string, body: object): Promise<T> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  expect(response.status).toBeLessThan(300)
  return (await response.json()) as T
}

describe('on the wire', () => {
  it(`a phone's node page (/node/:id/:seat and everything it loads) costs at most ${NODE_PAGE_WIRE_BUDGET_BYTES / 1024} KB, compressed and under the CSP`, async () => {
    const session = await post<CreateSessionResponse>('/api/sessions', { nodeCount: 4, pacingMs: 50, phaseTimeoutMs: 60_000 })
    const seat = await post<AssignNodeResponse>(`/api/sessions/${session.sessionId}/assign-node`, { nodeId: 1 })
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    try {
      // The phone holds its seat already (it took it on the join page): its token is in storage.
      await context.addInitScript(
        ([key, value]) => localStorage.setItem(key as string, value as string),
        [`pbft.seat.${session.sessionId}`, JSON.stringify({ sessionId: session.sessionId, nodeId: 1, seatToken: seat.seatToken })],
      )
      const page = await context.newPage()
      const errors: string[] = []
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text())
      })
      page.on('pageerror', (error) => errors.push(error.message))
      const transfers: { url: string; bytes: number; encoding: string | undefined }[] = []
      page.on('requestfinished', (request) => {
        void (async () => {
          const sizes = await request.sizes()
          const response = await request.response()
          transfers.push({ url: request.url(), bytes: sizes.responseBodySize + sizes.responseHeadersSize, encoding: response?.headers()['content-encoding'] })
        })()
      })
      await page.goto(`${server.url}/node/${session.sessionId}/1`)
      await page.locator('[data-testid=waiting-round]').waitFor({ timeout: WAIT })
      await page.waitForLoadState('networkidle')
      const total = transfers.reduce((sum, transfer) => sum + transfer.bytes, 0)
      console.info(`node page: ${transfers.length} requests, ${(total / 1024).toFixed(1)} KB on the wire`)
      expect(total).toBeGreaterThan(0)
      expect(total).toBeLessThanOrEqual(NODE_PAGE_WIRE_BUDGET_BYTES)
      // Every script and stylesheet of some size came compressed (the build skips files under 1 KB).
      const sizeable = transfers.filter((t) => /\/assets\/.*\.(js|css)$/.test(t.url) && t.bytes > 2048)
      expect(sizeable.length).toBeGreaterThan(3)
      for (const transfer of sizeable) expect(transfer.encoding, transfer.url).toBe('br')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
