/**
 * `pnpm loadtest:experiments`: what anonymous experiment traffic costs the server that also
 * serves the classroom. Loopback only, bounded (about a minute). It starts the real server
 * (src/main.ts, file store in a temporary DATA_DIR) with serverProbe.mjs preloaded (the
 * server's own event-loop delay and RSS), probes `GET /api/health` every 20 ms meanwhile, and:
 *
 * 1. runs the pathological sweep `{"nodes":"13:112:1","p":"0.01:1:0.01","rounds":1}` (10,000
 *    one-round points, which used to stall /api/health for seconds and leave RSS at ~1 GB);
 * 2. reads its 10,000-point record 20 times, 4 at a time;
 * 3. asks for two big theory tables (big N × many p; many small N × many p);
 * 4. restarts the server over 28 stored copies of that record (boot time and RSS used to grow
 *    with them: 4.6 s and 360 MB).
 *
 * Prints figures, asserts nothing (see docs/performance.md).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url))
const PROBE = pathToFileURL(fileURLToPath(new URL('./serverProbe.mjs', import.meta.url))).href
const PATHOLOGICAL = { nodes: '13:112:1', p: '0.01:1:0.01', rounds: 1 }
const STORED_COPIES = 28

interface ProbeStats {
  eventLoopDelay: { p50: number; p99: number; max: number }
  rssMb: { peak: number; now: number }
}

interface Server {
  base: string
  child: ChildProcess
  stats(): Promise<ProbeStats>
  reset(): Promise<void>
  stop(): Promise<void>
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

async function startServer(dataDir: string, webRoot: string): Promise<{ server: Server; bootMs: number }> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', PROBE, 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, WEB_ROOT: webRoot, NODE_ENV: 'production', EXPERIMENTS_PER_CLIENT: '0' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)))
  const base = `http://127.0.0.1:${port}`
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`)
    if (performance.now() - started > 60_000) throw new Error('the server did not start within 60 s')
    const ok = await fetch(`${base}/api/health`).then((r) => r.ok).catch(() => false)
    if (ok) break
    await sleep(20)
  }
  const bootMs = performance.now() - started
  const ask = <T>(type: string, answer: string): Promise<T> =>
    new Promise((resolve) => {
      const onMessage = (reply: unknown): void => {
        if (typeof reply === 'object' && reply !== null && 'type' in reply && reply.type === answer) {
          child.off('message', onMessage)
          resolve(reply as T)
        }
      }
      child.on('message', onMessage)
      child.send({ type, whole: true })
    })
  const server: Server = {
    base,
    child,
    stats: () => ask<ProbeStats>('stats', 'stats'),
    reset: async () => void (await ask('reset', 'reset-done')),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, sleep(10_000)])
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
  return { server, bootMs }
}

/** Probes /api/health one request after another until `stop()`; returns the latencies (ms). */
function probeHealth(base: string): { stop: () => Promise<number[]> } {
  const latencies: number[] = []
  let running = true
  const loop = (async () => {
    while (running) {
      const t = performance.now()
      await fetch(`${base}/api/health`).then((r) => r.text())
      latencies.push(performance.now() - t)
      await sleep(20)
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return latencies
    },
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`

async function measure(server: Server, label: string, work: () => Promise<string>): Promise<void> {
  await server.reset()
  const health = probeHealth(server.base)
  const started = performance.now()
  const detail = await work()
  const elapsed = performance.now() - started
  const latencies = await health.stop()
  const stats = await server.stats()
  console.log(
    `${label}: ${fmt(elapsed)}${detail ? ` (${detail})` : ''}\n` +
      `  /api/health (${latencies.length} probes): p50 ${fmt(percentile(latencies, 50))}, p99 ${fmt(percentile(latencies, 99))}, max ${fmt(Math.max(...latencies))}\n` +
      `  server event-loop delay: p99 ${stats.eventLoopDelay.p99} ms, max ${stats.eventLoopDelay.max} ms; RSS peak ${stats.rssMb.peak} MB, now ${stats.rssMb.now} MB`,
  )
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pbft-exp-load-'))
  const webRoot = mkdtempSync(join(tmpdir(), 'pbft-exp-web-'))
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>pbft</title>')
  let server: Server | null = null
  try {
    const first = await startServer(dataDir, webRoot)
    server = first.server
    const live = server
    await sleep(1000)
    console.log(`server up in ${fmt(first.bootMs)}; RSS idle ${(await live.stats()).rssMb.now} MB`)

    let id = ''
    await measure(live, `sweep ${JSON.stringify(PATHOLOGICAL)}`, async () => {
      const created = await fetch(`${live.base}/api/experiments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(PATHOLOGICAL) })
      const body = (await created.json()) as { id: string }
      id = body.id
      for (;;) {
        await sleep(250)
        const record = (await (await fetch(`${live.base}/api/experiments/${id}`)).json()) as { status: string; results?: unknown[] }
        if (record.status !== 'running') return `${created.status}, then ${record.status} with ${record.results?.length ?? 0} points`
      }
    })
    await sleep(3000)
    console.log(`  RSS 3 s later: ${(await live.stats()).rssMb.now} MB`)

    await measure(live, 'GET of the 10,000-point record × 20, 4 at a time', async () => {
      let bytes = 0
      for (let batch = 0; batch < 5; batch++) {
        const answers = await Promise.all(Array.from({ length: 4 }, () => fetch(`${live.base}/api/experiments/${id}`).then((r) => r.arrayBuffer())))
        bytes = answers[0]?.byteLength ?? 0
      }
      return `${(bytes / 1e6).toFixed(2)} MB each`
    })

    for (const query of ['nodes=9500:10000:100&p=0:1:0.01', 'nodes=4:150&p=0:1:0.01']) {
      await measure(live, `GET /api/theory?${query}`, async () => {
        const response = await fetch(`${live.base}/api/theory?${query}`)
        const body = (await response.json()) as { points?: unknown[] }
        return `${response.status}, ${body.points?.length ?? 0} points`
      })
    }

    // Start-up over many stored records: copies of the big one under other ids.
    await live.stop()
    server = null
    const document = readFileSync(join(dataDir, 'experiments', `${id}.json`), 'utf8')
    for (let copy = 0; copy < STORED_COPIES; copy++) {
      const other = `copy${String(copy).padStart(8, '0')}`
      writeFileSync(join(dataDir, 'experiments', `${other}.json`), document.replace(`"id":"${id}"`, `"id":"${other}"`))
    }
    const second = await startServer(dataDir, webRoot)
    server = second.server
    const stats = await server.stats()
    const list = (await (await fetch(`${server.base}/api/experiments?limit=200`)).json()) as { experiments: unknown[] }
    console.log(
      `start-up over ${STORED_COPIES + 1} stored 10,000-point records (${((document.length * (STORED_COPIES + 1)) / 1e6).toFixed(0)} MB on disk): ` +
        `healthy after ${fmt(second.bootMs)}, RSS ${stats.rssMb.now} MB (peak ${stats.rssMb.peak} MB), ${list.experiments.length} listed`,
    )
  } finally {
    await server?.stop()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(webRoot, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
