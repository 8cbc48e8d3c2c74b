/**
 * `pnpm loadtest [--quick] [--only=1,1b,1s,2,3a,3b] [--think=ms] [--tmpfs] [--cpu-prof=dir]`: a bounded load generator for the live
 * sessions. Loopback only; it starts the real server (src/main.ts, file store in a temporary
 * DATA_DIR) as a child process per scenario, with serverProbe.mjs preloaded to report the
 * server's own event-loop delay, memory and CPU over IPC, plays rounds with Socket.IO clients
 * the way phones do, prints a report and exits 0 (1 only if the run itself broke).
 *
 * See docs/performance.md for the scenarios, the targets and the measured figures.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type {
  ClientToServerEvents,
  CreateSessionResponse,
  ReplicaView,
  RoundOutcome,
  ServerToClientEvents,
  SocketAuth,
} from '@pbft/protocol'
import { mergeReplicaView } from '@pbft/protocol'
import { io as connectClient, type Socket } from 'socket.io-client'

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

interface LoopDelay {
  p50: number
  p99: number
  max: number
  mean: number
}

/** What serverProbe.mjs answers: the server's own figures over the window since the last reset. */
interface ProbeStats {
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
const WATCHERS = new URL('./watchers.mjs', import.meta.url)

const args = process.argv.slice(2)
const QUICK = args.includes('--quick')
/** DATA_DIR on /dev/shm (no disk, so no fsync cost): to separate storage from the rest. */
const TMPFS = args.includes('--tmpfs')
/** `--cpu-prof=<dir>`: the server child writes a V8 CPU profile there when it stops. */
const CPU_PROF = args.find((arg) => arg.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length)
const ONLY = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',')
/** The whole run stops by itself after this, whatever happens. */
const RUN_LIMIT_MS = QUICK ? 120_000 : 420_000
/** One wait (a join, a round) never takes longer than this. */
const WAIT_LIMIT_MS = 30_000
const PHASE_TIMEOUT_MS = 30_000
/** `--think=<ms>`: every scenario's think time (each has its own by default, see `scenarios`). */
const THINK_ARG = args.find((arg) => arg.startsWith('--think='))?.slice('--think='.length)
const THINK_OVERRIDE = THINK_ARG === undefined ? undefined : Number(THINK_ARG)
if (THINK_OVERRIDE !== undefined && !(Number.isFinite(THINK_OVERRIDE) && THINK_OVERRIDE >= 0 && THINK_OVERRIDE <= 10_000)) {
  throw new Error('--think=<ms> takes 0..10000')
}
const PHASE_GAP_MS = 100

// ---- small helpers ----------------------------------------------------------------------

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function within<T>(promise: Promise<T>, what: string, ms = WAIT_LIMIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

const round1 = (value: number): number => Math.round(value * 10) / 10

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

interface ServerChild {
  child: ChildProcess
  base: string
  dataDir: string
  webRoot: string
  stats(reset?: boolean): Promise<ProbeStats>
  /** Starts a new window; `whole` also restarts the whole-scenario figures. */
  reset(whole?: boolean): Promise<void>
  stop(): Promise<void>
}

const children = new Set<ChildProcess>()

async function startServer(): Promise<ServerChild> {
  const port = await freePort()
  const dataDir = mkdtempSync(join(TMPFS ? '/dev/shm' : tmpdir(), 'pbft-load-data-'))
  const webRoot = mkdtempSync(join(tmpdir(), 'pbft-load-web-'))
  mkdirSync(webRoot, { recursive: true })
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>pbft</title>')
  const base = `http://127.0.0.1:${port}`
  const profile = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []
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

async function http<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T }
}

// ---- the clients ------------------------------------------------------------------------

/** What every client of a scenario records. */
class Metrics {
  actLatency: number[] = []
  phaseToView: number[] = []
  socketEvents = 0
  errors: string[] = []
  outcomes: RoundOutcome[] = []
  /** Acts sent whose ack has not come yet (a round's outcome can overtake its last acks). */
  actsInFlight = 0
  /**
   * False during the warm-up: each session's first round (the server's code is not optimised
   * yet, a just-started experiment spins up its worker). Latencies count only after it.
   */
  measuring = false

  error(message: string): void {
    if (this.errors.length < 20) this.errors.push(message)
  }
}

const sockets = new Set<ClientSocket>()

function connect(base: string, auth: SocketAuth, metrics: Metrics): ClientSocket {
  const socket: ClientSocket = connectClient(base, { path: '/socket.io', transports: ['websocket'], forceNew: true, reconnection: false, auth })
  sockets.add(socket)
  socket.onAny(() => metrics.socketEvents++)
  socket.on('connect_error', (error) => metrics.error(`connect_error: ${error.message}`))
  return socket
}

function connected(socket: ClientSocket): Promise<void> {
  if (socket.connected) return Promise.resolve()
  return new Promise((resolve) => socket.once('connect', () => resolve()))
}

/**
 * A phone: joins as a guest, claims a seat over its socket (as the web app does), then acts
 * once per phase when its view asks, after a short think time. Resolves when its first replica
 * view arrived.
 */
function phone(base: string, sessionId: string, nodeId: number, thinkMs: number, metrics: Metrics): Promise<void> {
  const socket = connect(base, { sessionId }, metrics)
  const seen = new Set<string>()
  const acted = new Set<string>()
  let firstView: (() => void) | null = null
  const gotFirstView = new Promise<void>((resolve) => (firstView = resolve))
  let held: ReplicaView | null = null
  socket.on('replica:view', (delta: ReplicaView) => {
    // As the phone app does: rebuild the whole view from deltas, resync on a gap.
    const view = mergeReplicaView(held, delta)
    if (view === null) {
      socket.emit('session:sync', {}, () => undefined)
      return
    }
    held = view
    firstView?.()
    firstView = null
    const key = `${view.round}:${view.phase}`
    if (view.phaseDeadline !== null && view.round !== null && !seen.has(key)) {
      seen.add(key)
      if (metrics.measuring) metrics.phaseToView.push(Date.now() - (view.phaseDeadline - PHASE_TIMEOUT_MS))
    }
    if (!view.canAct || acted.has(key)) return
    acted.add(key)
    setTimeout(() => {
      const started = performance.now()
      const measured = metrics.measuring
      metrics.actsInFlight++
      socket.timeout(WAIT_LIMIT_MS).emit('replica:act', {}, (error: Error | null, ack?: { ok: boolean; error?: { code: string } }) => {
        metrics.actsInFlight--
        if (error) metrics.error(`act ${sessionId}/${nodeId}: ${error.message}`)
        else if (!ack?.ok) metrics.error(`act ${sessionId}/${nodeId}: ${ack?.error?.code ?? '?'}`)
        else if (measured) metrics.actLatency.push(performance.now() - started)
      })
    }, Math.random() * thinkMs)
  })
  return (async () => {
    await connected(socket)
    const ack = (await socket.timeout(WAIT_LIMIT_MS).emitWithAck('seat:claim', { nodeId, name: `load ${nodeId}` })) as { ok: boolean; error?: { code: string } }
    if (!ack.ok) throw new Error(`seat:claim ${sessionId}/${nodeId}: ${ack.error?.code}`)
    await gotFirstView
  })()
}

/**
 * A session's watchers (projectors, second screens: guest sockets that never claim), on a
 * worker thread of their own (see watchers.mjs), started before the join clock. `join`
 * connects them and resolves once each got its first `session:update`; `close` disconnects
 * them and adds the events they received.
 */
async function watchers(
  base: string,
  sessionId: string,
  count: number,
  metrics: Metrics,
): Promise<{ join: () => Promise<void>; close: () => Promise<void> }> {
  const worker = new Worker(WATCHERS, { workerData: { base, sessionId, count } })
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: { type: string }) => {
      if (message.type === 'ready') resolve()
    })
    worker.once('error', reject)
  })
  const joined = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'joined') resolve()
      if (message.type === 'error') metrics.error(message.message ?? 'watcher error')
    })
    worker.once('error', reject)
  })
  await within(ready, 'the watchers thread to start')
  const join = (): Promise<void> => {
    worker.postMessage({ type: 'connect' })
    return joined
  }
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => {
      worker.on('message', (message: { type: string; events?: number }) => {
        if (message.type !== 'closed') return
        metrics.socketEvents += message.events ?? 0
        resolve()
      })
    })
    worker.postMessage({ type: 'close' })
    await Promise.race([closed, sleep(2000)])
    await worker.terminate()
  }
  return { join, close }
}

/**
 * The host dashboard: starts a round, waits for its outcome, starts the next one: a warm-up
 * round (`warmedUp` is called after it), then `rounds` measured ones.
 */
function host(
  base: string,
  sessionId: string,
  hostToken: string,
  rounds: number,
  metrics: Metrics,
  warmedUp: () => void,
): { socket: ClientSocket; done: Promise<number> } {
  const socket = connect(base, { sessionId, hostToken }, metrics)
  let finished = 0
  let resolveDone: (value: number) => void = () => undefined
  const done = new Promise<number>((resolve) => (resolveDone = resolve))
  const start = (): void => {
    socket.timeout(WAIT_LIMIT_MS).emit('host:start-round', {}, (error: Error | null, ack?: { ok: boolean; error?: { code: string } }) => {
      if (error || !ack?.ok) metrics.error(`start-round ${sessionId}: ${error?.message ?? ack?.error?.code}`)
    })
  }
  let warm = false
  socket.on('round:outcome', (outcome) => {
    if (!warm) {
      warm = true
      warmedUp()
      start()
      return
    }
    if (metrics.measuring) metrics.outcomes.push(outcome)
    finished++
    if (finished >= rounds) resolveDone(finished)
    else start()
  })
  return { socket, done: connected(socket).then(() => ({ socket, start })).then(() => done) }
}

// ---- scenarios --------------------------------------------------------------------------

interface Scenario {
  id: string
  title: string
  sessions: number
  nodes: number
  /** Human seats per session (the rest are bots). */
  humans: number
  /** Guest sockets per session that only watch. */
  watchers: number
  rounds: number
  experiment: boolean
  /**
   * A human's "think time" before acting: uniform in [0, thinkMs). The N = 100 scenarios take
   * up to 1 s (faster than any class: people read the phone first), which still routes more
   * than 5,000 messages/s; the N = 10 ones take up to 50 ms, because only such hurried play
   * routes 5,000 messages/s with 10-replica sessions. Scenario "1s" is the storm: 100 humans
   * all tapping within 50 ms.
   */
  thinkMs: number
}

interface Result {
  scenario: Scenario
  participants: number
  joinMs: number
  act: { n: number; p50: number; p99: number; max: number }
  phaseView: { n: number; p50: number; p99: number; max: number }
  roundsDecided: number
  protocolMessages: number
  durationMs: number
  messagesPerSecond: number
  socketEventsPerSecond: number
  /** The server over the play window, and over the join window. */
  server: ProbeStats
  serverJoin: ProbeStats
  generator: { eventLoopP99: number; cpuPercent: number }
  experiment: { rounds: number; roundsPerSecond: number; status: string } | null
  errors: string[]
}

const EXPERIMENT = { nodes: '4:31:3', p: [0.9], rounds: 1_000_000, seed: 7 } // 10 sizes × 10^6 = 10^7 rounds

async function runScenario(scenario: Scenario): Promise<Result> {
  const server = await startServer()
  const metrics = new Metrics()
  const generatorDelay = monitorEventLoopDelay({ resolution: 10 })
  const watcherGroups: { sessionId: string; join: () => Promise<void>; close: () => Promise<void> }[] = []
  try {
    const created: CreateSessionResponse[] = []
    for (let i = 0; i < scenario.sessions; i++) {
      const response = await http<CreateSessionResponse>(server.base, 'POST', '/api/sessions', {
        nodeCount: scenario.nodes,
        pacingMs: 10,
        phaseTimeoutMs: PHASE_TIMEOUT_MS,
        phaseGapMs: PHASE_GAP_MS,
      })
      if (response.status !== 201) throw new Error(`create session: ${response.status} ${JSON.stringify(response.body)}`)
      created.push(response.body)
    }
    const experiments = scenario.experiment ? new ExperimentLoad(server.base) : null
    if (experiments) {
      await experiments.start()
      // Let its worker get going before measuring.
      await sleep(300)
    }
    await server.reset(true)
    generatorDelay.enable()
    const generatorCpu = process.cpuUsage()
    const experimentRoundsBefore = experiments ? await experiments.rounds() : 0

    for (const session of created) {
      if (scenario.watchers > 0) watcherGroups.push({ sessionId: session.sessionId, ...(await watchers(server.base, session.sessionId, scenario.watchers, metrics)) })
    }
    // Join: everyone at once, as when a class scans the QR code.
    const joinStarted = performance.now()
    const joins: Promise<void>[] = []
    let participants = 0
    for (const session of created) {
      for (let nodeId = 0; nodeId < scenario.humans; nodeId++) joins.push(phone(server.base, session.sessionId, nodeId, scenario.thinkMs, metrics))
      participants += scenario.humans
      for (const group of watcherGroups.filter((g) => g.sessionId === session.sessionId)) {
        joins.push(group.join())
        participants += scenario.watchers
      }
    }
    await within(Promise.all(joins), `${joins.length} participants to join`)
    const joinMs = performance.now() - joinStarted
    const joinStats = await server.stats()
    await server.reset()

    // Play: each host runs its rounds back to back; measuring starts once every session has
    // played its warm-up round.
    let playStarted = performance.now()
    let warming = created.length
    const warmedUp = (): void => {
      if (--warming > 0) return
      metrics.measuring = true
      playStarted = performance.now()
      void server.reset()
    }
    const hosts = created.map((session) => host(server.base, session.sessionId, session.hostToken, scenario.rounds, metrics, warmedUp))
    await within(Promise.all(hosts.map(async (h) => {
      await connected(h.socket)
      h.socket.emit('host:start-round', {}, () => undefined)
      return h.done
    })), `${scenario.rounds} rounds in ${created.length} session(s)`, WAIT_LIMIT_MS * 3)
    const durationMs = performance.now() - playStarted
    // The last acks may trail the last outcome (they wait for the save): collect them too.
    const drainUntil = Date.now() + WAIT_LIMIT_MS
    while (metrics.actsInFlight > 0 && Date.now() < drainUntil) await sleep(20)
    const serverStats = await server.stats()
    const cpu = process.cpuUsage(generatorCpu)
    generatorDelay.disable()

    let experiment: Result['experiment'] = null
    if (experiments) {
      const rounds = (await experiments.rounds()) - experimentRoundsBefore
      const finished = await experiments.stop()
      experiment = { rounds, roundsPerSecond: Math.round(rounds / ((durationMs + joinMs) / 1000)), status: `${finished} experiment(s) of 10^7 rounds completed, the last one cancelled` }
    }
    for (const group of watcherGroups.splice(0)) await group.close()
    const protocolMessages = metrics.outcomes.reduce((sum, outcome) => sum + outcome.messages.sent, 0)
    const summary = (values: number[]): Result['act'] => ({
      n: values.length,
      p50: round1(percentile(values, 50)),
      p99: round1(percentile(values, 99)),
      max: round1(percentile(values, 100)),
    })
    return {
      scenario,
      participants,
      joinMs: Math.round(joinMs),
      act: summary(metrics.actLatency),
      phaseView: summary(metrics.phaseToView),
      roundsDecided: metrics.outcomes.length,
      protocolMessages,
      durationMs: Math.round(durationMs),
      messagesPerSecond: Math.round(protocolMessages / (durationMs / 1000)),
      socketEventsPerSecond: Math.round(metrics.socketEvents / ((durationMs + joinMs) / 1000)),
      server: serverStats,
      serverJoin: joinStats,
      generator: {
        eventLoopP99: round1(Math.max(0, generatorDelay.percentile(99) / 1e6 - 10)),
        cpuPercent: round1(((cpu.user + cpu.system) / 1000 / (durationMs + joinMs)) * 100),
      },
      experiment,
      errors: metrics.errors,
    }
  } finally {
    for (const group of watcherGroups) await group.close()
    for (const socket of sockets) socket.disconnect()
    sockets.clear()
    await server.stop()
  }
}

/**
 * Keeps a 10^7-round experiment running on the server for the whole scenario: an experiment of
 * 10^7 rounds takes a few seconds, so when one ends the next starts (one at a time).
 */
class ExperimentLoad {
  private current: string | null = null
  private cancelToken = ''
  private finishedRounds = 0
  private finished = 0
  private stopped = false
  private loop: Promise<void> = Promise.resolve()

  constructor(private readonly base: string) {}

  async start(): Promise<void> {
    await this.post()
    this.loop = this.watch()
  }

  /** Rounds done so far by every experiment this load started. */
  async rounds(): Promise<number> {
    if (!this.current) return this.finishedRounds
    const record = await http<{ progress: { done: number } }>(this.base, 'GET', `/api/experiments/${this.current}`)
    return this.finishedRounds + record.body.progress.done
  }

  /** Cancels the running one; returns how many ran to the end. */
  async stop(): Promise<number> {
    this.stopped = true
    await this.loop
    if (this.current) await http(this.base, 'DELETE', `/api/experiments/${this.current}`, undefined, this.cancelToken)
    return this.finished
  }

  private async post(): Promise<void> {
    const response = await http<{ id: string; total: number; cancelToken: string }>(this.base, 'POST', '/api/experiments', EXPERIMENT)
    if (response.status !== 202) throw new Error(`experiment: ${response.status} ${JSON.stringify(response.body)}`)
    this.current = response.body.id
    this.cancelToken = response.body.cancelToken
  }

  private async watch(): Promise<void> {
    while (!this.stopped) {
      await sleep(250)
      if (!this.current) continue
      const record = await http<{ status: string; error?: string; progress: { done: number } }>(this.base, 'GET', `/api/experiments/${this.current}`)
      if (record.body.status === 'running') continue
      if (record.body.status !== 'done') throw new Error(`experiment ${this.current} ${record.body.status}: ${record.body.error ?? ''}`)
      this.finishedRounds += record.body.progress.done
      this.finished++
      this.current = null
      if (!this.stopped) await this.post()
    }
  }
}

// ---- report -----------------------------------------------------------------------------

const delays = (d: LoopDelay): string => `p50 ${d.p50} ms, p99 ${d.p99} ms, max ${d.max} ms`

function report(results: Result[]): string {
  const lines: string[] = []
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  lines.push(`Machine: ${availableParallelism()} cores (${cpu}), ${Math.round(totalmem() / 1024 ** 3)} GB RAM, Node ${process.version}; generator and server on the same machine, loopback.`)
  lines.push(
    `Run: ${QUICK ? 'quick' : 'full'}; each session plays a warm-up round first (not measured: the server's code is not optimised yet); phase gap ${PHASE_GAP_MS} ms, file store (fsync) in a temp DATA_DIR${TMPFS ? ' on /dev/shm (tmpfs)' : ' on disk'}.`,
  )
  lines.push('')
  for (const r of results) {
    const s = r.scenario
    lines.push(`### ${s.id}. ${s.title}`)
    lines.push('')
    lines.push('| measure | value |')
    lines.push('|---|---|')
    lines.push(`| participants (sockets) | ${r.participants} (+${s.sessions} host) |`)
    lines.push(`| think time before each act | 0–${s.thinkMs} ms |`)
    lines.push(`| join: all claimed and got their first view | ${r.joinMs} ms |`)
    lines.push(`| replica:act emit → ack (n=${r.act.n}) | p50 ${r.act.p50} ms, p99 ${r.act.p99} ms, max ${r.act.max} ms |`)
    lines.push(`| phase opens → view arrives (n=${r.phaseView.n}) | p50 ${r.phaseView.p50} ms, p99 ${r.phaseView.p99} ms, max ${r.phaseView.max} ms |`)
    lines.push(`| rounds decided | ${r.roundsDecided} in ${(r.durationMs / 1000).toFixed(1)} s |`)
    lines.push(`| protocol messages routed (in the traces) | ${r.protocolMessages} = ${r.messagesPerSecond}/s |`)
    lines.push(`| socket events received by clients | ${r.socketEventsPerSecond}/s |`)
    lines.push(`| server RSS peak / heap used peak | ${r.server.rssMb.peak} MB / ${r.server.heapUsedMb.peak} MB |`)
    lines.push(`| server event-loop delay while joining | ${delays(r.serverJoin.eventLoopDelay)} |`)
    lines.push(`| server event-loop delay while playing | ${delays(r.server.eventLoopDelay)} |`)
    lines.push(`| server event-loop delay over the whole scenario (join, warm-up, play) | ${delays(r.server.wholeEventLoopDelay)} |`)
    lines.push(`| server CPU (main thread + workers) | ${r.server.cpuPercent} % of one core |`)
    lines.push(`| generator CPU / event-loop p99 | ${r.generator.cpuPercent} % / ${r.generator.eventLoopP99} ms |`)
    if (r.experiment) lines.push(`| experiment meanwhile | ${r.experiment.rounds} rounds (${r.experiment.roundsPerSecond}/s); ${r.experiment.status} |`)
    if (r.errors.length > 0) lines.push(`| errors | ${r.errors.slice(0, 5).join('; ')} |`)
    lines.push('')
  }
  return lines.join('\n')
}

// ---- main -------------------------------------------------------------------------------

function scenarios(): Scenario[] {
  const rounds100 = QUICK ? 3 : 8
  const rounds10 = QUICK ? 4 : 15
  const slow = 1000
  const hurried = 50
  type Shape = Omit<Scenario, 'id' | 'title' | 'experiment'>
  const one: Shape = { sessions: 1, nodes: 100, humans: 100, watchers: 100, rounds: rounds100, thinkMs: slow }
  const two: Shape = { sessions: 2, nodes: 100, humans: 100, watchers: 0, rounds: rounds100, thinkMs: slow }
  const twenty: Shape = { sessions: 20, nodes: 10, humans: 10, watchers: 0, rounds: rounds10, thinkMs: hurried }
  const all: Scenario[] = [
    { id: '1', title: '200 participants: one N=100 session, 100 humans + 100 watchers', ...one, experiment: false },
    { id: '1b', title: '200 participants: two N=100 sessions of 100 humans', ...two, experiment: false },
    { id: '2', title: '20 sessions × 10 humans', ...twenty, experiment: false },
    { id: '3a', title: 'scenario 1 during a 10^7-round experiment', ...one, experiment: true },
    { id: '3b', title: 'scenario 2 during a 10^7-round experiment', ...twenty, experiment: true },
    { id: '1s', title: 'storm: scenario 1 with every human tapping within 50 ms', ...one, thinkMs: hurried, experiment: false },
  ]
  const chosen = all.filter((scenario) => (ONLY ? ONLY.includes(scenario.id) : QUICK ? !['1b', '1s'].includes(scenario.id) : true))
  return THINK_OVERRIDE === undefined ? chosen : chosen.map((scenario) => ({ ...scenario, thinkMs: THINK_OVERRIDE }))
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`loadtest: stopped after ${RUN_LIMIT_MS / 1000} s`)
    for (const child of children) child.kill('SIGKILL')
    process.exit(1)
  }, RUN_LIMIT_MS)
  watchdog.unref()
  const results: Result[] = []
  for (const scenario of scenarios()) {
    process.stdout.write(`scenario ${scenario.id}: ${scenario.title} … `)
    const result = await runScenario(scenario)
    results.push(result)
    console.log(
      `join ${result.joinMs} ms, act p50/p99 ${result.act.p50}/${result.act.p99} ms, view p99 ${result.phaseView.p99} ms, ${result.messagesPerSecond} msg/s, loop p99 ${result.server.eventLoopDelay.p99} ms (whole scenario ${result.server.wholeEventLoopDelay.p99}, joining ${result.serverJoin.eventLoopDelay.p99}), cpu ${result.server.cpuPercent}%`,
    )
  }
  console.log('')
  console.log(report(results))
  clearTimeout(watchdog)
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(`loadtest failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    for (const child of children) child.kill('SIGKILL')
    process.exit(1)
  })
