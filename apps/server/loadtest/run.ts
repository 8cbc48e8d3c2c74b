/**
 * `pnpm loadtest [--quick] [--only=1,1b,1s,2,3a,3b,4] [--think=ms] [--tmpfs] [--cpu-prof=dir]`: a bounded load generator for the live
 * sessions. Loopback only; it starts the real server (src/main.ts, file store in a temporary
 * DATA_DIR) as a child process per scenario, with serverProbe.mjs preloaded to report the
 * server's own event-loop delay, memory and CPU over IPC, plays rounds with Socket.IO clients
 * the way phones do, prints a report and exits 0 (1 only if the run itself broke).
 *
 * See docs/performance.md for the scenarios, the targets and the measured figures.
 */
import { availableParallelism, cpus, totalmem } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { CreateSessionResponse } from '@pbft/protocol'
import { AbuseLoad, type AbuseReport } from './abuse'
import { connected, host, Metrics, PHASE_TIMEOUT_MS, phone, sockets, watchers } from './clients'
import { ExperimentLoad } from './experimentLoad'
import { children, http, percentile, round1, sleep, startServer, WAIT_LIMIT_MS, within, type LoopDelay, type ProbeStats } from './serverChild'

const args = process.argv.slice(2)
const QUICK = args.includes('--quick')
/** DATA_DIR on /dev/shm (no disk, so no fsync cost): to separate storage from the rest. */
const TMPFS = args.includes('--tmpfs')
/** `--cpu-prof=<dir>`: the server child writes a V8 CPU profile there when it stops. */
const CPU_PROF = args.find((arg) => arg.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length)
const ONLY = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',')
/** The whole run stops by itself after this, whatever happens. */
const RUN_LIMIT_MS = QUICK ? 150_000 : 480_000
/** `--think=<ms>`: every scenario's think time (each has its own by default, see `scenarios`). */
const THINK_ARG = args.find((arg) => arg.startsWith('--think='))?.slice('--think='.length)
const THINK_OVERRIDE = THINK_ARG === undefined ? undefined : Number(THINK_ARG)
if (THINK_OVERRIDE !== undefined && !(Number.isFinite(THINK_OVERRIDE) && THINK_OVERRIDE >= 0 && THINK_OVERRIDE <= 10_000)) {
  throw new Error('--think=<ms> takes 0..10000')
}
const PHASE_GAP_MS = 100

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
  /** Anonymous clients flood lookups, replays, experiments and batches while the class plays (see abuse.ts). */
  abuse?: boolean
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
  abuse: AbuseReport | null
  errors: string[]
}

async function runScenario(scenario: Scenario): Promise<Result> {
  const server = await startServer({ tmpfs: TMPFS, cpuProfDir: CPU_PROF })
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
    // The flood starts with the measured rounds, once the warm-up round is in the history.
    const abuse = scenario.abuse && created[0] ? new AbuseLoad(server.base, created[0].sessionId, () => 1 + metrics.outcomes.length) : null
    const warmedUp = (): void => {
      if (--warming > 0) return
      metrics.measuring = true
      playStarted = performance.now()
      void server.reset()
      abuse?.start()
    }
    const hosts = created.map((session) => host(server.base, session.sessionId, session.hostToken, scenario.rounds, metrics, warmedUp))
    await within(Promise.all(hosts.map(async (h) => {
      await connected(h.socket)
      h.socket.emit('host:start-round', {}, () => undefined)
      return h.done
    })), `${scenario.rounds} rounds in ${created.length} session(s)`, WAIT_LIMIT_MS * 3)
    const durationMs = performance.now() - playStarted
    const abuseReport = abuse ? await abuse.stop() : null
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
      abuse: abuseReport,
      errors: metrics.errors,
    }
  } finally {
    for (const group of watcherGroups) await group.close()
    for (const socket of sockets) socket.disconnect()
    sockets.clear()
    await server.stop()
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
    if (r.abuse) {
      const a = r.abuse
      lines.push(`| \`GET /api/health\` every 100 ms during the flood (n=${a.health.n}) | p50 ${a.health.p50} ms, p99 ${a.health.p99} ms, max ${a.health.max} ms, ${a.health.failures} failed |`)
      for (const kind of ['lookup', 'replay', 'experiment', 'batch'] as const) {
        const statuses = Object.entries(a.statuses[kind]).map(([status, n]) => `${n} × ${status}`).join(', ')
        lines.push(`| flood: ${kind} (${a.clients} anonymous clients) | ${a.rates[kind]}/s: ${statuses} |`)
      }
    }
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
    {
      id: '4',
      title: 'abuse: 100 phones play N=100 rounds while 4 anonymous clients flood code lookups, replays, experiments and batches',
      ...one,
      watchers: 0,
      experiment: false,
      abuse: true,
    },
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
    const health = result.abuse ? `, health p99 ${result.abuse.health.p99} ms` : ''
    console.log(
      `join ${result.joinMs} ms, act p50/p99 ${result.act.p50}/${result.act.p99} ms, view p99 ${result.phaseView.p99} ms, ${result.messagesPerSecond} msg/s, loop p99 ${result.server.eventLoopDelay.p99} ms (whole scenario ${result.server.wholeEventLoopDelay.p99}, joining ${result.serverJoin.eventLoopDelay.p99}), cpu ${result.server.cpuPercent}%, rss ${result.server.rssMb.peak} MB${health}`,
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
