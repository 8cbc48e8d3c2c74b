import { readFile } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DESKTOP, fitsViewport, launchBrowser, openPage, PHONE, screenshot } from './support/browser'
import { startServer, type RunningServer } from './support/server'

const CSV_HEADER =
  'nodes,f,p,rounds,seed,successes,successRate,ci95Low,ci95High,theoreticalSuccessRate,failuresPrePrepare,failuresPrepare,failuresCommit,pointSeed,quorumRule,safetyViolations'

let server: RunningServer
let browser: Browser

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function fill(page: Page, values: { nodes: string; p: string; rounds: string; seed?: string }): Promise<void> {
  await page.fill('#experiment-nodes', values.nodes)
  await page.fill('#experiment-p', values.p)
  await page.fill('#experiment-rounds', values.rounds)
  await page.fill('#experiment-seed', values.seed ?? '1')
}

async function runToEnd(page: Page): Promise<void> {
  await page.click('[data-testid=run]')
  await page.locator('[data-testid=run-status][data-status=done]').waitFor({ timeout: 60_000 })
}

/** What ECharts drew, as `type:lineStyle` per series (read back from the chart instance). */
async function seriesStyles(page: Page): Promise<string> {
  const chart = page.locator('[data-testid=experiment-chart]')
  await expect.poll(() => chart.getAttribute('data-series-styles'), { timeout: 10_000 }).not.toBe('')
  return (await chart.getAttribute('data-series-styles')) ?? ''
}

/** ECharts' screen-reader description of the chart. */
function chartDescription(page: Page): Promise<string | null> {
  return page.locator('[data-testid=experiment-chart] [aria-label]').first().getAttribute('aria-label')
}

const resultRows = (page: Page) => page.locator('[data-testid=results-table] .el-table__body tbody tr')

describe('the Experiment page', () => {
  it('runs one p in the browser: a solid cumulative line and a flat dashed exact line per N; exports the CSV', async () => {
    const { page, close } = await openPage(browser, `${server.url}/experiment`, DESKTOP)
    await fill(page, { nodes: '4,7', p: '0.9', rounds: '20000' })
    expect(await page.textContent('[data-testid=experiment-mode]')).toMatch(/in this browser/)
    const requests: string[] = []
    page.on('request', (request) => requests.push(request.url()))
    await runToEnd(page)

    expect(await seriesStyles(page)).toBe('line:solid line:dashed line:solid line:dashed')
    const description = await chartDescription(page)
    expect(description).toContain('N = 4, cumulative rate')
    expect(description).toContain('N = 7, exact')
    await expect.poll(() => resultRows(page).count()).toBe(2)
    expect(requests.some((url) => url.includes('/api/experiments'))).toBe(false)
    await screenshot(page, 'experiment-desktop')

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')])
    expect(download.suggestedFilename()).toMatch(/^pbft-experiment-convergence-.+\.csv$/)
    const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n')
    expect(lines[0]).toBe(CSV_HEADER)
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 5).join(','))).toEqual(['4,1,0.9,20000,1', '7,2,0.9,20000,1'])

    const [png] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-png]')])
    const bytes = await readFile(await png.path())
    expect(bytes.subarray(1, 4).toString()).toBe('PNG')

    const [json] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-json]')])
    const document = JSON.parse(await readFile(await json.path(), 'utf8')) as { config: unknown; appVersion: string; curves: unknown[] }
    expect(document.config).toEqual({ nodes: [4, 7], p: [0.9], rounds: 20000, seed: 1, quorumRules: ['original'] })
    expect(document.appVersion).toBe('0.1.0')
    expect(document.curves).toHaveLength(2)
    await close()
  })

  it('runs a range of p on the server: points with error bars and the dashed exact curve per N', async () => {
    const { page, close } = await openPage(browser, `${server.url}/experiment`, DESKTOP)
    await fill(page, { nodes: '4,7', p: '0.5:1:0.05', rounds: '4000' })
    expect(await page.textContent('[data-testid=experiment-mode]')).toMatch(/11 points.*on the server/)
    const created = page.waitForResponse((r) => r.url().endsWith('/api/experiments') && r.request().method() === 'POST')
    await runToEnd(page)
    expect((await created).status()).toBe(202)
    expect(await page.textContent('[data-testid=run-status]')).toMatch(/Done/)
    expect(await page.textContent('.experiment-progress__text')).toMatch(/Computed on the server/)

    expect(await seriesStyles(page)).toMatch(/^scatter:\S+ custom:\S+ line:dashed scatter:\S+ custom:\S+ line:dashed$/)
    expect(await chartDescription(page)).toContain('N = 7, Monte-Carlo')
    await expect.poll(() => resultRows(page).count()).toBe(22)
    await screenshot(page, 'experiment-sweep-desktop')
    await close()
  })

  it('validates inputs as they are typed and keeps Run disabled', async () => {
    const { page, close } = await openPage(browser, `${server.url}/experiment`, DESKTOP)
    await page.fill('#experiment-p', '0.5:1')
    expect(await page.textContent('[data-testid=problem-p]')).toMatch(/needs a step, for example 0.5:1:0.05/)
    expect(await page.isDisabled('[data-testid=run]')).toBe(true)
    expect(await page.getAttribute('#experiment-p', 'aria-invalid')).toBe('true')
    await close()
  })

  it('cancels a long browser run', async () => {
    const { page, close } = await openPage(browser, `${server.url}/experiment`, DESKTOP)
    await fill(page, { nodes: '100', p: '0.99', rounds: '100000000' })
    await page.click('[data-testid=run]')
    await page.locator('[data-testid=cancel]').click()
    await page.locator('[data-testid=run-status][data-status=cancelled]').waitFor()
    await close()
  })

  it('cancels a long server run with the token its creation answered', async () => {
    const { page, close } = await openPage(browser, `${server.url}/experiment`, DESKTOP)
    await fill(page, { nodes: '100', p: '0.5:1:0.05', rounds: '1000000' })
    expect(await page.textContent('[data-testid=experiment-mode]')).toMatch(/on the server/)
    const created = page.waitForResponse((r) => r.url().endsWith('/api/experiments') && r.request().method() === 'POST')
    await page.click('[data-testid=run]')
    const answer = (await (await created).json()) as { id: string; cancelToken: string }
    await page.locator('[data-testid=run-status][data-status=running]').waitFor()
    const cancelled = page.waitForResponse((r) => r.url().endsWith(`/api/experiments/${answer.id}`) && r.request().method() === 'DELETE')
    await page.locator('[data-testid=cancel]').click()
    const response = await cancelled
    expect(response.request().headers().authorization).toBe(`Bearer ${answer.cancelToken}`)
    expect(response.status()).toBe(200)
    await page.locator('[data-testid=run-status][data-status=cancelled]').waitFor()
    const record = (await (await fetch(`${server.url}/api/experiments/${answer.id}`)).json()) as { status: string }
    expect(record.status).toBe('cancelled')
    await close()
  })

  it('works on a phone (390 × 844) without horizontal scrolling', async () => {
    const { page, close } = await openPage(browser, `${server.url}/experiment`, PHONE, { phone: true })
    expect(await fitsViewport(page)).toBe(true)
    await fill(page, { nodes: '4,7,10', p: '0.95', rounds: '5000' })
    await runToEnd(page)
    expect(await seriesStyles(page)).toBe('line:solid line:dashed line:solid line:dashed line:solid line:dashed')
    await expect.poll(() => resultRows(page).count()).toBe(3)
    expect(await fitsViewport(page)).toBe(true)
    await screenshot(page, 'experiment-phone')
    await close()
  })
})
