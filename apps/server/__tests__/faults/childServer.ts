import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type {
  Ack,
  ClientToServerEvents,
  HostView,
  ReplicaView,
  RoundOutcome,
  ServerToClientEvents,
  SessionInfo,
  SocketAuth,
  TracedMessage,
} from '@pbft/protocol'
import { mergeReplicaView } from '@pbft/protocol'
import { io as connectClient, type Socket } from 'socket.io-client'

/** apps/server: the child runs `node --import tsx src/main.ts` from here (the real entry point). */
export const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url))

/** Every wait of these tests is bounded; a hang fails naming what it awaited. */
export const FAULT_WAIT_MS = 15_000

export function within<T>(promise: Promise<T>, what: string, ms = FAULT_WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A free loopback port (the OS picks it; we release it and hand it to the child). */
export function freePort(): Promise<number> {
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

/** A temporary WEB_ROOT holding an index.html, so the child never needs a web build. */
export function tempWebRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pbft-web-'))
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>pbft</title>')
  return dir
}

export interface ChildServer {
  child: ChildProcess
  base: string
  /** stdout + stderr so far (pino JSON lines and console output). */
  output(): string
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>
}

/** Spawns the real server (`src/main.ts`) with this environment; does not wait for it to listen. */
export function spawnServer(env: Record<string, string>): ChildServer {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8')
    // Keep the tail only: a long run logs a line per request.
    if (output.length > 200_000) output = output.slice(-100_000)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
  })
  return { child, base: `http://${env.HOST ?? '127.0.0.1'}:${env.PORT ?? '3000'}`, output: () => output, exited }
}

/** Waits until GET /api/health answers (or the child dies, or the bound passes). */
export async function waitHealthy(server: ChildServer, ms = FAULT_WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms
  let died: number | string | null = null
  void server.exited.then((code) => (died = code))
  while (Date.now() < deadline) {
    if (died !== null) throw new Error(`the server exited (${died}) before listening:\n${server.output().slice(-2000)}`)
    try {
      const response = await fetch(`${server.base}/api/health`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await sleep(50)
  }
  throw new Error(`the server did not answer /api/health within ${ms} ms:\n${server.output().slice(-2000)}`)
}

/** SIGKILL (or another signal) and wait, bounded, for the process to be gone. */
export async function killServer(server: ChildServer | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return
  server.child.kill(signal)
  await within(server.exited, `the server (pid ${server.child.pid}) to exit on ${signal}`, 10_000)
}

export async function request<T = unknown>(
  base: string,
  method: string,
  path: string,
  { body, token }: { body?: unknown; token?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T }
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/**
 * A Socket.IO client that reconnects BY ITSELF (socket.io-client's own reconnection, quick
 * delays) and remembers what the server sent, like the integration tests' Client.
 */
export class ReconnectingClient {
  readonly socket: ClientSocket
  replica: ReplicaView | null = null
  /** Replica views received since the last (re)connection. */
  viewsSinceConnect = 0
  host: HostView | null = null
  trace: TracedMessage[] = []
  traceRound: number | null = null
  info: SessionInfo | null = null
  outcomes: RoundOutcome[] = []
  connects = 0
  private waiters: { check: () => boolean; resolve: () => void }[] = []

  constructor(base: string, auth: SocketAuth) {
    this.socket = connectClient(base, {
      path: '/socket.io',
      transports: ['websocket'],
      forceNew: true,
      auth,
      reconnection: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 300,
      randomizationFactor: 0.5,
      timeout: 5000,
    })
    this.socket.on('connect', () => {
      this.connects++
      this.viewsSinceConnect = 0
      this.changed()
    })
    this.socket.on('replica:view', (view) => {
      const merged = mergeReplicaView(this.replica, view)
      // A delta we cannot place (missed while reconnecting): ask for the whole view again.
      if (merged === null) {
        this.socket.emit('session:sync', {}, () => undefined)
        return
      }
      this.replica = merged
      this.viewsSinceConnect++
      this.changed()
    })
    this.socket.on('host:view', (view) => {
      if (view.round !== this.traceRound || view.trace.from === 0) {
        this.trace = []
        this.traceRound = view.round
      }
      // A delta we cannot place: ask for the whole view again (as the dashboard does).
      if (view.trace.from > this.trace.length) {
        this.socket.emit('session:sync', {}, () => undefined)
        return
      }
      this.trace = [...this.trace.slice(0, view.trace.from), ...view.trace.messages]
      this.host = view
      this.changed()
    })
    this.socket.on('session:update', (info) => {
      this.info = info
      this.changed()
    })
    this.socket.on('round:outcome', (outcome) => {
      this.outcomes.push(outcome)
      this.changed()
    })
    this.socket.on('disconnect', () => this.changed())
  }

  get connected(): boolean {
    return this.socket.connected
  }

  async emit(event: keyof ClientToServerEvents, payload: unknown = {}, ms = FAULT_WAIT_MS): Promise<Ack & Record<string, unknown>> {
    const emitter = this.socket.timeout(ms) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<Ack & Record<string, unknown>> }
    return emitter.emitWithAck(event, payload)
  }

  until(check: () => boolean, what: string, ms = FAULT_WAIT_MS): Promise<void> {
    if (check()) return Promise.resolve()
    return within(new Promise<void>((resolve) => this.waiters.push({ check, resolve })), what, ms)
  }

  close(): void {
    this.socket.io.reconnection(false)
    this.socket.disconnect()
  }

  private changed(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.check()) return true
      waiter.resolve()
      return false
    })
  }
}
