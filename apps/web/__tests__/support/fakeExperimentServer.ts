import type { ExperimentPoint, ExperimentRecord } from '@pbft/protocol'

export interface FakeServerOptions {
  /** GETs answered `running` before the final record. */
  pollsBeforeDone?: number
  results?: ExperimentPoint[]
  /** Answer POST with this status and error body instead. */
  reject?: { status: number; code: string; message: string }
  /** Throw like fetch does without a server. */
  unreachable?: boolean
}

/** The token the fake server hands out with every experiment it creates. */
export const CANCEL_TOKEN = 'cancel-token-of-exp-1'

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

/** A `fetch` that plays the experiment API's contract (see packages/protocol/src/experimentApi.ts). */
export function fakeExperimentServer(options: FakeServerOptions = {}) {
  const calls: string[] = []
  /** The bodies of the POSTs, parsed. */
  const bodies: unknown[] = []
  let polls = 0
  let cancelled = false
  let config: ExperimentRecord['config'] = { nodes: [], p: [], rounds: 0, seed: 1 }
  const total = () => config.nodes.length * config.p.length * (config.quorumRule?.length ?? 1) * config.rounds

  const record = (status: ExperimentRecord['status'], done: number, results?: ExperimentPoint[]): ExperimentRecord => ({
    id: 'exp-1',
    status,
    config,
    progress: { done, total: total() },
    createdAt: '2025-01-01T00:00:00.000Z',
    ...(status === 'running' ? {} : { finishedAt: '2025-01-01T00:00:01.000Z', elapsedMs: 1000 }),
    ...(results ? { results } : {}),
    appVersion: '0.1.0',
    engineVersion: '0.1.0',
  })

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? 'GET'
    const url = String(input)
    calls.push(`${method} ${url}`)
    if (options.unreachable) throw new TypeError('Failed to fetch')
    if (method === 'POST' && url === '/api/experiments') {
      if (options.reject) return json({ error: { code: options.reject.code, message: options.reject.message } }, options.reject.status)
      config = JSON.parse(String(init?.body)) as ExperimentRecord['config']
      bodies.push(config)
      return json({ id: 'exp-1', status: 'running', total: total(), createdAt: '2025-01-01T00:00:00.000Z', cancelToken: CANCEL_TOKEN }, 202)
    }
    if (method === 'DELETE' && url === '/api/experiments/exp-1') {
      // As the server does: only the cancel token given at creation cancels.
      const authorization = new Headers(init?.headers).get('authorization')
      if (authorization === null) return json({ error: { code: 'UNAUTHORIZED', message: 'cancelling needs the cancel token' } }, 401)
      if (authorization !== `Bearer ${CANCEL_TOKEN}`) return json({ error: { code: 'FORBIDDEN', message: 'wrong cancel token' } }, 403)
      cancelled = true
      return json(record('cancelled', total() / 2, []))
    }
    if (method === 'GET' && url === '/api/experiments/exp-1') {
      polls++
      if (cancelled) return json(record('cancelled', total() / 2, []))
      if (polls <= (options.pollsBeforeDone ?? 1)) return json(record('running', Math.floor(total() / 2)))
      return json(record('done', total(), options.results ?? []))
    }
    return json({ error: { code: 'NOT_FOUND', message: `no route for ${method} ${url}` } }, 404)
  }
  return { fetch: fetch as typeof globalThis.fetch, calls, bodies }
}
