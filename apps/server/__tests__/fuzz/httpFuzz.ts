import fc from 'fast-check'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app'
import {
  authChoice,
  bodyCase,
  edgeNumber,
  FUZZ_RUNS,
  FUZZ_SEED,
  headersArb,
  pathParam,
  queryArb,
  type AuthChoice,
  type BodyCase,
} from './arbitraries'
import { check, heapUsedMb, HEAP_GROWTH_LIMIT_MB, installCrashGuards, isErrorBody } from './guards'

/**
 * Property-based fuzzing of every HTTP route of docs/protocol.md (issue "Bad input and access"),
 * through `app.inject` on a real buildApp (no socket round trip, so FUZZ_RUNS cases per route fit:
 * 1,000 in the test command, 10,000 in `pnpm fuzz`). Each case is a random body (JSON values,
 * near-valid records with wrong types, huge strings up to and past the 256 KiB limit, deep
 * nesting, broken JSON, odd content types), query
 * string, path parameter (the live ids, id-like strings, bad percent escapes) and headers
 * (including every flavour of Authorization, with the real host and seat tokens).
 *
 * Properties: never a 5xx; every non-2xx (but 3xx) answer is exactly `{ error: { code, message } }`;
 * every 2xx of /api is JSON; no unhandled rejection or uncaught exception; /api/health answers
 * 200 after each route's batch; the heap grows by less than HEAP_GROWTH_LIMIT_MB; and at the end a
 * real round still decides. Seeds: FUZZ_SEED + target index (see arbitraries.ts to reproduce).
 */

interface Live {
  sessionId: string
  hostToken: string
  seatToken: string
  otherSessionId: string
  otherHostToken: string
  experimentId: string
}

interface Target {
  method: string | fc.Arbitrary<string>
  /** Path with `:id` replaced by the generated parameter. */
  path: string
  body?: Record<string, fc.Arbitrary<unknown>>
  query?: { keys: string[]; values: fc.Arbitrary<string> }
  /** The real ids `:id` is drawn from. */
  ids?: () => string[]
}

const int = (min: number, max: number) => fc.integer({ min, max })
const smallNumberText = fc.oneof(int(-5, 200).map(String), edgeNumber.map(String))
const nodesText = fc.oneof(fc.constantFrom('4', '4,7,10', '4:10:3', '4:4:1', '100', '3', '0', '4:1000000:1', '1e3', ' 4 ', '4,,7', ':'), int(-10, 200).map(String))
const pText = fc.oneof(fc.constantFrom('0.9', '0.5:1:0.05', '0:1:0.5', '1.5', '-0', 'NaN', '0.5:1:0', '1:0:0.1', '0.1:0.2:1e-9'), fc.double({ min: -1, max: 2, noNaN: true }).map(String))
const sessionBody = {
  nodeCount: int(2, 102),
  faultyNodes: int(-1, 101),
  robotNodes: int(-1, 101),
  topology: fc.constantFrom('full', 'ring', 'star', 'tree', 'mesh'),
  branchCount: int(0, 11),
  proposalValue: fc.oneof(edgeNumber, fc.string({ maxLength: 70 })),
  proposalContent: fc.string({ maxLength: 70 }),
  maliciousProposer: fc.boolean(),
  allowTampering: fc.boolean(),
  messageDeliveryRate: fc.double({ min: -10, max: 110, noNaN: true }),
  faults: fc.dictionary(fc.oneof(int(0, 101).map(String), fc.string({ maxLength: 4 })), fc.constantFrom('honest', 'silent', 'wrong-value', 'equivocate', 'tamper', 'evil')),
  pacingMs: int(-1, 20_000),
  phaseTimeoutMs: int(0, 700_000),
  phaseGapMs: int(-1, 20_000),
  botTakeover: fc.boolean(),
  authentication: fc.boolean(),
}
const experimentBody = {
  nodes: fc.oneof(nodesText, fc.array(int(-5, 120), { maxLength: 4 })),
  p: fc.oneof(pText, fc.array(fc.double({ min: -0.5, max: 1.5, noNaN: true }), { maxLength: 4 })),
  // Small: a valid sweep runs (then is cancelled); big ones only as the refused edges.
  rounds: fc.oneof({ weight: 9, arbitrary: int(-5, 20) }, fc.constantFrom(1e9 + 1, 2 ** 53, 1.5)),
  seed: fc.oneof(int(-5, 2 ** 32), edgeNumber),
  faults: fc.jsonValue({ maxDepth: 1 }),
}

/**
 * Defines the fuzz of the named targets (the HTTP routes are split over two spec files so
 * vitest runs them on two workers). Target seeds stay FUZZ_SEED + the target's index in the
 * full list, whichever file runs it.
 */
export function describeHttpFuzz(title: string, only: (name: string) => boolean): void {
describe(title, () => {
  let app: FastifyInstance
  let live: Live
  const guards = installCrashGuards()
  const timings: string[] = []
  let heapBefore = 0
  let cases = 0

  async function newFuzzSession(): Promise<Pick<Live, 'sessionId' | 'hostToken' | 'seatToken'>> {
    const created = await app.inject({ method: 'POST', url: '/api/sessions', payload: { nodeCount: 7, pacingMs: 20, phaseTimeoutMs: 2000, phaseGapMs: 10, faults: { 6: 'equivocate' } } })
    const { sessionId, hostToken } = created.json<{ sessionId: string; hostToken: string }>()
    const claimed = await app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/assign-node`, payload: { nodeId: 1 } })
    return { sessionId, hostToken, seatToken: claimed.json<{ seatToken: string }>().seatToken }
  }

  beforeAll(async () => {
    app = await buildApp({ webRoot: '/nonexistent', lanAddress: null, sessions: { sessionsPerClient: null, lookupsPerClient: null } })
    await app.ready()
    const other = (await app.inject({ method: 'POST', url: '/api/sessions', payload: { nodeCount: 4 } })).json<{ sessionId: string; hostToken: string }>()
    const experiment = (await app.inject({ method: 'POST', url: '/api/experiments', payload: { nodes: [4], p: [0.9], rounds: 10, seed: 1 } })).json<{ id: string }>()
    live = { ...(await newFuzzSession()), otherSessionId: other.sessionId, otherHostToken: other.hostToken, experimentId: experiment.id }
    heapBefore = heapUsedMb()
  })

  afterAll(async () => {
    guards.remove()
    await app?.close()
    console.info(`HTTP fuzz timings (${FUZZ_RUNS} runs per route):\n${timings.join('\n')}`)
  })

  const sessionIds = () => [live.sessionId, live.otherSessionId]
  const experimentIds = () => [live.experimentId]

  function authorization(choice: AuthChoice): string | undefined {
    if (choice.kind === 'none') return undefined
    if (choice.kind === 'raw') return choice.value
    const token = { host: live.hostToken, seat: live.seatToken, otherHost: live.otherHostToken, random: choice.random }[choice.token]
    return `${choice.scheme}${token}`
  }

  const TARGETS: Record<string, Target> = {
    'GET /api/health': { method: 'GET', path: '/api/health', query: { keys: ['x'], values: smallNumberText } },
    'POST /api/experiments': { method: 'POST', path: '/api/experiments', body: experimentBody },
    'GET /api/experiments': { method: 'GET', path: '/api/experiments', query: { keys: ['limit'], values: smallNumberText } },
    'GET /api/experiments/:id': { method: 'GET', path: '/api/experiments/:id', ids: experimentIds },
    'DELETE /api/experiments/:id': { method: 'DELETE', path: '/api/experiments/:id', ids: experimentIds, body: {} },
    'POST /api/experiments/:id/cancel': { method: 'POST', path: '/api/experiments/:id/cancel', ids: experimentIds, body: {} },
    'GET /api/theory': { method: 'GET', path: '/api/theory', query: { keys: ['nodes', 'p', 'f'], values: fc.oneof(nodesText, pText) } },
    'GET /docs/json': { method: 'GET', path: '/docs/json' },
    'GET /docs': { method: 'GET', path: '/docs' },
    'POST /api/sessions': { method: 'POST', path: '/api/sessions', body: sessionBody },
    'GET /api/sessions/:id': { method: 'GET', path: '/api/sessions/:id', ids: sessionIds },
    'DELETE /api/sessions/:id': { method: 'DELETE', path: '/api/sessions/:id', ids: sessionIds, body: {} },
    'GET /api/sessions/:id/status': { method: 'GET', path: '/api/sessions/:id/status', ids: sessionIds },
    'POST /api/sessions/:id/rounds': { method: 'POST', path: '/api/sessions/:id/rounds', ids: sessionIds, body: { seed: fc.oneof(int(-1, 2 ** 32), edgeNumber) } },
    'POST /api/sessions/:id/reset-round': { method: 'POST', path: '/api/sessions/:id/reset-round', ids: sessionIds, body: {} },
    'POST /api/sessions/:id/assign-node': { method: 'POST', path: '/api/sessions/:id/assign-node', ids: sessionIds, body: { nodeId: int(-1, 101), name: fc.string({ maxLength: 45 }) } },
    'GET /api/sessions/:id/connected-nodes': { method: 'GET', path: '/api/sessions/:id/connected-nodes', ids: sessionIds },
    'GET /api/sessions/:id/history': { method: 'GET', path: '/api/sessions/:id/history', ids: sessionIds, query: { keys: ['round'], values: smallNumberText } },
    'POST /api/sessions/:id/run-batch-experiment': {
      method: 'POST',
      path: '/api/sessions/:id/run-batch-experiment',
      ids: sessionIds,
      body: {},
      query: { keys: ['rounds', 'seed'], values: fc.oneof({ weight: 20, arbitrary: int(-2, 40).map(String) }, fc.constantFrom('100001', '1e6', '0x10', '4294967295', '4294967296')) },
    },
    'unknown routes and methods': {
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
      path: '/api/:id',
      ids: () => ['sessions', 'experiments', 'theory', 'health', 'sessions/ABCDEF/nope', 'docs'],
      body: {},
    },
  }

  interface Case {
    method: string
    param: () => string
    query: string
    body: BodyCase
    headers: Record<string, string>
    auth: AuthChoice
  }

  function caseArb(target: Target): fc.Arbitrary<Case> {
    const none = fc.constant<BodyCase>({ payload: undefined, contentType: undefined })
    return fc.record({
      method: typeof target.method === 'string' ? fc.constant(target.method) : target.method,
      param: target.ids ? pathParam(target.ids) : fc.constant(() => ''),
      query: target.query ? queryArb(target.query.keys, target.query.values) : fc.oneof(fc.constant(''), queryArb(['x'], fc.string())),
      // GETs get a body now and then too (Fastify must ignore or refuse it cleanly).
      body: target.body ? bodyCase(target.body) : fc.oneof({ weight: 9, arbitrary: none }, { weight: 1, arbitrary: bodyCase({}) }),
      headers: headersArb,
      auth: authChoice,
    })
  }

  async function send(target: Target, c: Case) {
    const url = `${target.path.replace(':id', c.param())}${c.query === '' ? '' : `?${c.query}`}`
    const headers: Record<string, string> = { ...c.headers }
    const auth = authorization(c.auth)
    if (auth !== undefined) headers.authorization = auth
    if (c.body.contentType !== undefined && c.body.payload !== undefined) headers['content-type'] = c.body.contentType
    const options: InjectOptions = { method: c.method as InjectOptions['method'], url, headers }
    if (c.body.payload !== undefined && c.method !== 'GET' && c.method !== 'HEAD') options.payload = c.body.payload
    return { url, response: await app.inject(options) }
  }

  /** Cleans up what a successful case created, so thousands of runs neither pile up sessions nor leave sweeps running. */
  async function tidy(name: string, status: number, body: unknown): Promise<void> {
    if (name === 'POST /api/sessions' && status === 201) {
      const { sessionId, hostToken } = body as { sessionId: string; hostToken: string }
      const deleted = await app.inject({ method: 'DELETE', url: `/api/sessions/${sessionId}`, headers: { authorization: `Bearer ${hostToken}` } })
      expect(deleted.statusCode).toBe(200)
    }
    if (name === 'POST /api/experiments' && status === 202) {
      const { id, cancelToken } = body as { id: string; cancelToken: string }
      const cancelled = await app.inject({ method: 'DELETE', url: `/api/experiments/${id}`, headers: { authorization: `Bearer ${cancelToken}` } })
      expect([200, 409]).toContain(cancelled.statusCode)
    }
    if (name === 'DELETE /api/sessions/:id' && status === 200) {
      // The fuzzer found the host token: the live session is gone, start another.
      if (app.sessions.size < 2 || (await app.inject({ method: 'GET', url: `/api/sessions/${live.sessionId}` })).statusCode === 404) {
        live = { ...live, ...(await newFuzzSession()) }
      }
      if ((await app.inject({ method: 'GET', url: `/api/sessions/${live.otherSessionId}` })).statusCode === 404) {
        const other = (await app.inject({ method: 'POST', url: '/api/sessions', payload: { nodeCount: 4 } })).json<{ sessionId: string; hostToken: string }>()
        live = { ...live, otherSessionId: other.sessionId, otherHostToken: other.hostToken }
      }
    }
  }

  const names = Object.keys(TARGETS)
  names.forEach((name, index) => {
    if (!only(name)) return
    it(`${name}: ${FUZZ_RUNS} cases, never a 5xx, always the error shape`, { timeout: 180_000 }, async () => {
      const target = TARGETS[name] as Target
      const started = performance.now()
      await fc.assert(
        fc.asyncProperty(caseArb(target), async (c) => {
          cases++
          const { url, response } = await send(target, c)
          const status = response.statusCode
          const what = () => `${c.method} ${url.slice(0, 200)} → ${status} ${response.body.slice(0, 300)}`
          check(status >= 200 && status < 500, what)
          if (c.method === 'HEAD' || (status >= 300 && status < 400)) return
          const isApi = url.startsWith('/api/') || url.startsWith('/docs/json')
          let body: unknown = undefined
          if (status >= 400 || isApi) {
            try {
              body = JSON.parse(response.body)
            } catch {
              check(false, () => `not JSON: ${what()}`)
            }
          }
          if (status >= 400) check(isErrorBody(body), () => `not { error: { code, message } }: ${what()}`)
          else await tidy(name, status, body)
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED + index, endOnFailure: true },
      )
      const health = await app.inject({ method: 'GET', url: '/api/health' })
      expect(health.statusCode).toBe(200)
      guards.check()
      timings.push(`  ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
    })
  })

  it(`memory: the heap grew by less than ${HEAP_GROWTH_LIMIT_MB} MB over the whole fuzz`, () => {
    const growth = heapUsedMb() - heapBefore
    timings.push(`  heap growth: ${growth.toFixed(1)} MB over ${cases} cases (after a full GC)`)
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT_MB)
  })

  it('after the fuzz, a real round still decides', { timeout: 20_000 }, async () => {
    const created = await app.inject({ method: 'POST', url: '/api/sessions', payload: { nodeCount: 4, pacingMs: 10, phaseTimeoutMs: 1000, phaseGapMs: 5 } })
    expect(created.statusCode).toBe(201)
    const { sessionId, hostToken } = created.json<{ sessionId: string; hostToken: string }>()
    const started = await app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/rounds`, headers: { authorization: `Bearer ${hostToken}` }, payload: { seed: 7 } })
    expect(started.statusCode).toBe(201)
    const deadline = Date.now() + 15_000
    let outcome: unknown = null
    while (outcome === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25))
      outcome = (await app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/status` })).json<{ lastOutcome: unknown }>().lastOutcome
    }
    expect(outcome).toMatchObject({ round: 1, success: true, decidedValue: 'the proposal' })
    guards.check()
  })
})
}
