/**
 * The load test's server child and small helpers: the real `src/main.ts` started as a child
 * process per scenario (file store in a temporary DATA_DIR), with serverProbe.mjs preloaded to
 * report the server's own event-loop delay, memory and CPU over IPC.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface LoopDelay {
  p50: number
  p99: number
  max: number
  mean: number
}

/** What serverProbe.mjs answers: the server's own figures over the window since the last reset. */
export interface ProbeStats {
  type: 'stats'
  /** Event-loop delay beyond the 10 ms sampling timer, in ms. */
  eventLoopDelay: LoopDelay
  /** The same since the scenario's start (`reset(true)`): join, warm-up round and play. */
  wholeEventLoopDelay: LoopDelay
  /** Largest RSS and heap seen over the window (sampled every 100 ms), and now, in MB. */
  rssMb: { peak: number; now: number }
  heapUsedMb: { peak: number; now: number }
  /** User + system CPU of the whole server process (main thread and workers), in % of one core. */
  cpuPercent: number
  windowMs: number
}

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url))
const PROBE = pathToFileURL(fileURLToPath(new URL('./serverProbe.mjs', import.meta.url))).href

/** One wait (a join, a round) never takes longer than this. */
export const WAIT_LIMIT_MS = 30_000

// ---- small helpers ----------------------------------------------------------------------

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function within<T>(promise: Promise<T>, what: string, ms = WAIT_LIMIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export const round1 = (value: number): number => Math.round(value * 10) / 10

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

// ---- the server child -------------------------------------------------------------------

export interface ServerChild {
  child: ChildProcess
  base: string
  dataDir: string
  webRoot: string
  stats(reset?: boolean): Promise<ProbeStats>
  /** Starts a new window; `whole` also restarts the whole-scenario figures. */
  reset(whole?: boolean): Promise<void>
  stop(): Promise<void>
}

export const children = new Set<ChildProcess>()

export interface ServerChildOptions {
  /** DATA_DIR on /dev/shm (no disk, so no fsync cost). */
  tmpfs: boolean
  /** The server writes a V8 CPU profile into this directory when it stops. */
  cpuProfDir?: string | undefined
}

export async function startServer(options: ServerChildOptions): Promise<ServerChild> {
  const port = await freePort()
  const dataDir = mkdtempSync(join(options.tmpfs ? '/dev/shm' : tmpdir(), 'pbft-load-data-'))
  const webRoot = mkdtempSync(join(tmpdir(), 'pbft-load-web-'))
  mkdirSync(webRoot, { recursive: true })
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>pbft</title>')
  const base = `http://127.0.0.1:${port}`
  const profile = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', '--import', PROBE, 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, WEB_ROOT: webRoot, PUBLIC_URL: base, NODE_ENV: 'production', SESSIONS_PER_CLIENT: '0', EXPERIMENTS_PER_CLIENT: '0' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  children.add(child)
  let tail = ''
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  void exited.then(() => children.delete(child))

  const ask = <T>(message: object, answer: string): Promise<T> =>
    within(
      new Promise<T>((resolve) => {
        const onMessage = (reply: unknown): void => {
          if (typeof reply === 'object' && reply !== null && 'type' in reply && reply.type === answer) {
            child.off('message', onMessage)
            resolve(reply as T)
          }
        }
        child.on('message', onMessage)
        child.send(message)
      }),
      `the server probe's ${answer}`,
      10_000,
    )

  const deadline = Date.now() + WAIT_LIMIT_MS
  while (true) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${tail}`)
    if (Date.now() > deadline) throw new Error(`the server did not start within ${WAIT_LIMIT_MS} ms:\n${tail}`)
    try {
      if ((await fetch(`${base}/api/health`)).ok) break
    } catch {
      // not yet listening
    }
    await sleep(50)
  }
  return {
    child,
    base,
    dataDir,
    webRoot,
    stats: () => ask<ProbeStats>({ type: 'stats' }, 'stats'),
    reset: async (whole = false) => {
      await ask({ type: 'reset', whole }, 'reset-done')
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        await within(exited, 'the server to stop', 10_000).catch(() => {
          child.kill('SIGKILL')
        })
      }
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(webRoot, { recursive: true, force: true })
    },
  }
}

export async function http<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T }
}

