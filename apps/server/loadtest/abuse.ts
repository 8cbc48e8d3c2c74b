/**
 * Anonymous clients flooding the server while a class plays (scenario 4 of `pnpm loadtest`):
 * each comes from its own loopback address (127.0.0.2, 127.0.0.3, …: per-client limits are
 * keyed on the address, as a campus's phones each have theirs) and loops, one request in
 * flight per kind, over what an anonymous script can reach:
 *
 * - `lookup`: `GET /api/sessions/<random code>/status` (guessing codes: 404, then 429),
 * - `replay`: `GET /api/sessions/<id>/history?round=r` of the class's own N = 100 rounds,
 * - `experiment`: `POST /api/experiments` (202 while fewer than 2 run, else 429),
 * - `batch`: `POST /api/sessions/<id>/run-batch-experiment?rounds=100000` without a token (401).
 *
 * Meanwhile a probe asks `GET /api/health` every 100 ms from 127.0.0.1 and times it. Loopback
 * only, and bounded: it stops when the scenario stops.
 */
import { Agent, request } from 'node:http'
import { percentile, round1, sleep } from './serverChild'

export type AbuseKind = 'lookup' | 'replay' | 'experiment' | 'batch'
const KINDS: AbuseKind[] = ['lookup', 'replay', 'experiment', 'batch']
const CODE_LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
const EXPERIMENT = JSON.stringify({ nodes: [4, 7, 10], p: '0.5:1:0.1', rounds: 200_000, seed: 3 })

export interface AbuseReport {
  /** Anonymous client addresses. */
  clients: number
  /** Per kind: how many answers of each status. */
  statuses: Record<AbuseKind, Record<string, number>>
  /** Requests per second per kind. */
  rates: Record<AbuseKind, number>
  health: { n: number; p50: number; p99: number; max: number; failures: number }
}

interface Answer {
  status: number
  bytes: number
}

/** One request from `localAddress`, its body read and dropped (a replay is ~6 MB). */
function send(base: string, agent: Agent, localAddress: string, method: string, path: string, body?: string): Promise<Answer> {
  const url = new URL(path, base)
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, agent, localAddress, headers, timeout: 30_000 }, (res) => {
      let bytes = 0
      res.on('data', (chunk: Buffer) => (bytes += chunk.length))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }))
      res.on('error', () => resolve({ status: -1, bytes }))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve({ status: -1, bytes: 0 }))
    req.end(body)
  })
}

function randomCode(): string {
  let code = ''
  for (let i = 0; i < 6; i++) code += CODE_LETTERS[Math.floor(Math.random() * CODE_LETTERS.length)]
  return code
}

export class AbuseLoad {
  private stopped = false
  private readonly loops: Promise<void>[] = []
  private readonly agents: Agent[] = []
  private readonly statuses = Object.fromEntries(KINDS.map((kind) => [kind, {} as Record<string, number>])) as AbuseReport['statuses']
  private readonly healthMs: number[] = []
  private healthFailures = 0
  private started = 0

  /** `rounds()`: how many rounds of the session are in its history (replays ask for 1..that). */
  constructor(
    private readonly base: string,
    private readonly sessionId: string,
    private readonly rounds: () => number,
    private readonly clients = 4,
  ) {}

  start(): void {
    this.started = performance.now()
    for (let i = 0; i < this.clients; i++) {
      const address = `127.0.0.${2 + i}`
      for (const kind of KINDS) {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 })
        this.agents.push(agent)
        this.loops.push(this.loop(kind, address, agent))
      }
    }
    const healthAgent = new Agent({ keepAlive: true, maxSockets: 1 })
    this.agents.push(healthAgent)
    this.loops.push(this.probeHealth(healthAgent))
  }

  async stop(): Promise<AbuseReport> {
    this.stopped = true
    const seconds = (performance.now() - this.started) / 1000
    await Promise.all(this.loops)
    for (const agent of this.agents) agent.destroy()
    const rates = Object.fromEntries(
      KINDS.map((kind) => [kind, Math.round(Object.values(this.statuses[kind]).reduce((sum, n) => sum + n, 0) / seconds)]),
    ) as AbuseReport['rates']
    return {
      clients: this.clients,
      statuses: this.statuses,
      rates,
      health: {
        n: this.healthMs.length,
        p50: round1(percentile(this.healthMs, 50)),
        p99: round1(percentile(this.healthMs, 99)),
        max: round1(percentile(this.healthMs, 100)),
        failures: this.healthFailures,
      },
    }
  }

  private async loop(kind: AbuseKind, address: string, agent: Agent): Promise<void> {
    while (!this.stopped) {
      const answer = await this.once(kind, address, agent)
      const counts = this.statuses[kind]
      counts[String(answer.status)] = (counts[String(answer.status)] ?? 0) + 1
      // A refused connection answers at once: do not spin on it.
      if (answer.status === -1) await sleep(10)
    }
  }

  private once(kind: AbuseKind, address: string, agent: Agent): Promise<Answer> {
    const id = this.sessionId
    switch (kind) {
      case 'lookup':
        return send(this.base, agent, address, 'GET', `/api/sessions/${randomCode()}/status`)
      case 'replay': {
        const round = 1 + Math.floor(Math.random() * Math.max(1, this.rounds()))
        return send(this.base, agent, address, 'GET', `/api/sessions/${id}/history?round=${round}`)
      }
      case 'experiment':
        return send(this.base, agent, address, 'POST', '/api/experiments', EXPERIMENT)
      case 'batch':
        return send(this.base, agent, address, 'POST', `/api/sessions/${id}/run-batch-experiment?rounds=100000`)
    }
  }

  private async probeHealth(agent: Agent): Promise<void> {
    while (!this.stopped) {
      const started = performance.now()
      const answer = await send(this.base, agent, '127.0.0.1', 'GET', '/api/health')
      if (answer.status === 200) this.healthMs.push(performance.now() - started)
      else this.healthFailures++
      await sleep(100)
    }
  }
}
