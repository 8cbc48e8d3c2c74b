import {
  ActPayload,
  AllowSeatPayload,
  ClaimPayload,
  ClientRequestPayload,
  EmptyPayload,
  ExperimentWatchPayload,
  KickPayload,
  LockPayload,
  NewViewPayload,
  SetBotTakeoverPayload,
  SetIdleBotPayload,
  SetQuorumRulePayload,
  SetDeliveryRatePayload,
  SetFaultPayload,
  SkipPayload,
  StartRoundPayload,
  ViewChangePayload,
  type ClientToServerEvents,
  type SocketAuth,
} from '@pbft/protocol'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { Client, startLiveServer, within, type LiveServer } from '../integration/liveServer'
import { anyField, edgeNumber, FUZZ_RUNS, FUZZ_SEED, nearValid } from './arbitraries'
import { check, heapUsedMb, HEAP_GROWTH_LIMIT_MB, installCrashGuards } from './guards'

/**
 * Property-based fuzzing of every client socket event (issue "Bad input and access") with a
 * real socket.io-client over 127.0.0.1 against the app listening on port 0.
 *
 * Each event gets FUZZ_RUNS payloads (1,000; 10,000 in `pnpm fuzz`), sent as FUZZ_RUNS / BATCH fast-check runs of
 * BATCH concurrent emits spread over guest, experiment-only, host and seat sockets (the fuzz
 * app's per-socket rate limit is lifted so the cases reach the handlers; the real limit is
 * checked in __tests__/authz/matrix.spec.ts). Payloads: anything (non-objects, arrays, binary,
 * null, undefined), near-valid records with wrong types, deep nesting and big strings under the
 * 64 KiB message limit; call shapes: with an ack, with extra arguments before the ack, without
 * an ack, with only an ack.
 *
 * Properties: every ack is `{ ok: true, … }` or exactly `{ ok: false, error: { code, message } }`,
 * never INTERNAL; a payload the event's schema refuses is never acknowledged ok; no socket is
 * dropped; no unhandled rejection or uncaught exception; /api/health is 200 after each event's
 * batches; the heap grows by less than HEAP_GROWTH_LIMIT_MB; a real round decides at the end.
 */

type EventName = keyof ClientToServerEvents
type Role = 'guest' | 'bare' | 'host' | 'seat'

const BATCH = 50
const ACK_MS = 15_000

const int = (min: number, max: number) => fc.integer({ min, max })

/** The schema each event's payload must pass, and near-valid fields to aim at it. */
const EVENTS: Record<EventName, { schema: z.ZodType; fields: Record<string, fc.Arbitrary<unknown>> }> = {
  'host:start-round': { schema: StartRoundPayload, fields: { seed: fc.oneof(int(-1, 2 ** 32), edgeNumber) } },
  'host:next-phase': { schema: EmptyPayload, fields: {} },
  'host:reset-round': { schema: EmptyPayload, fields: {} },
  'host:set-delivery-rate': { schema: SetDeliveryRatePayload, fields: { messageDeliveryRate: fc.double({ min: -5, max: 105 }) } },
  'host:set-fault': { schema: SetFaultPayload, fields: { nodeId: int(-1, 101), fault: fc.constantFrom('honest', 'silent', 'wrong-value', 'equivocate', 'tamper', 'x') } },
  'host:lock': { schema: LockPayload, fields: { locked: fc.boolean() } },
  'host:kick': { schema: KickPayload, fields: { nodeId: int(-1, 101) } },
  'host:allow-seat': { schema: AllowSeatPayload, fields: { nodeId: int(-1, 101) } },
  'host:set-bot-takeover': { schema: SetBotTakeoverPayload, fields: { botTakeover: fc.boolean() } },
  'host:set-quorum-rule': { schema: SetQuorumRulePayload, fields: { quorumRule: fc.constantFrom('original', 'castro-liskov', 'Original', '', 'x') } },
  'host:set-idle-bot': { schema: SetIdleBotPayload, fields: { idleBotAfterMs: fc.oneof(fc.constant(null), int(-1, 40_000), edgeNumber) } },
  'replica:act': {
    schema: ActPayload,
    fields: {
      nodeId: int(-1, 11),
      value: fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('the proposal', 'the proposal′')),
      values: fc.dictionary(int(-1, 11).map(String), fc.string({ maxLength: 70 }), { maxKeys: 4 }),
      tamper: fc.boolean(),
    },
  },
  'replica:skip': { schema: SkipPayload, fields: { nodeId: int(-1, 11) } },
  'host:next-view': { schema: EmptyPayload, fields: {} },
  'replica:view-change': { schema: ViewChangePayload, fields: { nodeId: int(-1, 11) } },
  'replica:new-view': {
    schema: NewViewPayload,
    fields: {
      nodeId: int(-1, 11),
      value: fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('the proposal', 'the proposal′')),
      viewChanges: fc.array(int(-1, 11), { maxLength: 5 }),
      viewChangesFor: fc.dictionary(int(-1, 11).map(String), fc.array(int(-1, 11), { maxLength: 5 }), { maxKeys: 3 }),
    },
  },
  'client:request': { schema: ClientRequestPayload, fields: { nodeId: int(-1, 11) } },
  'seat:claim': { schema: ClaimPayload, fields: { nodeId: int(-1, 101), name: fc.string({ maxLength: 45 }) } },
  'session:sync': { schema: EmptyPayload, fields: {} },
  'experiment:watch': { schema: ExperimentWatchPayload, fields: { id: fc.stringMatching(/^[A-Za-z0-9_-]{0,70}$/) } },
  'experiment:unwatch': { schema: ExperimentWatchPayload, fields: { id: fc.stringMatching(/^[A-Za-z0-9_-]{0,70}$/) } },
}

/** A payload: binary, deep, big, or any JSON-ish value (undefined and non-objects included). */
function payloadArb(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 40, arbitrary: nearValid(fields) },
    { weight: 15, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 10, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true, withSparseArray: true, withDate: true, withBoxedValues: true }) },
    { weight: 10, arbitrary: anyField },
    { weight: 5, arbitrary: fc.constantFrom(undefined, null, 0, '', [], {}, true, 'x', [{}], { __proto__: { nodeId: 1 } }, JSON.parse('{"__proto__":{"locked":true}}')) },
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    { weight: 1, arbitrary: int(1, 1500).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown) },
    { weight: 1, arbitrary: fc.tuple(int(1000, 40_000), fc.constantFrom('name', 'value', 'id', 'pad')).map(([size, key]) => ({ [key]: 'x'.repeat(size) })) },
  )
}

type Shape = 'ack' | 'extra' | 'noAck' | 'onlyAck' | 'noAckExtra'
interface Call {
  payload: unknown
  shape: Shape
  role: Role
  socket: number
  extra: unknown[]
}

function callArb(event: EventName): fc.Arbitrary<Call> {
  return fc.record({
    payload: payloadArb(EVENTS[event].fields),
    shape: fc.oneof({ weight: 6, arbitrary: fc.constant<Shape>('ack') }, fc.constantFrom<Shape>('extra', 'noAck', 'onlyAck', 'noAckExtra')),
    role: fc.constantFrom<Role>('guest', 'bare', 'host', 'seat'),
    socket: fc.nat(),
    extra: fc.array(fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined)), { minLength: 1, maxLength: 3 }),
  })
}

/** What the server receives for a JSON payload: Socket.IO encodes arguments as JSON (undefined → null). */
function received(call: Call): { binary: boolean; value: unknown } {
  if (call.shape === 'onlyAck') return { binary: false, value: undefined }
  const binary = hasBinary(call.payload, 0)
  if (binary) return { binary, value: undefined }
  try {
    return { binary, value: (JSON.parse(JSON.stringify([call.payload])) as unknown[])[0] }
  } catch {
    return { binary: true, value: undefined }
  }
}

function hasBinary(value: unknown, depth: number): boolean {
  if (depth > 50 || typeof value !== 'object' || value === null) return false
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true
  return Object.values(value).some((inner) => hasBinary(inner, depth + 1))
}

/** `{ ok: true, … }` or exactly `{ ok: false, error: { code, message } }`, never INTERNAL. */
function checkAck(ack: unknown, what: () => string): { ok: boolean; code?: string } {
  check(typeof ack === 'object' && ack !== null, () => `ack is not an object: ${what()}`)
  const { ok, error } = ack as { ok?: unknown; error?: { code?: unknown; message?: unknown } }
  check(typeof ok === 'boolean', () => `ack.ok is not a boolean: ${what()}`)
  if (ok) return { ok: true }
  check(Object.keys(ack as object).length === 2 && typeof error === 'object' && error !== null, () => `bad error ack ${JSON.stringify(ack)}: ${what()}`)
  const { code, message } = error as { code: unknown; message: unknown }
  check(typeof code === 'string' && typeof message === 'string' && Object.keys(error as object).length === 2, () => `bad error ack ${JSON.stringify(ack)}: ${what()}`)
  check(code !== 'INTERNAL', () => `INTERNAL ack: ${what()}`)
  return { ok: false, code: code as string }
}

describe('socket fuzz: every client event, random payloads, as guest, host and seat sockets', () => {
  let server: LiveServer
  const guards = installCrashGuards()
  const timings: string[] = []
  let heapBefore = 0
  let emitted = 0
  const pools: Record<Role, Client[]> = { guest: [], bare: [], host: [], seat: [] }
  let hostSession = ''
  let replicaSession = ''
  let guestSession = ''
  let replicaHost: Client
  const seatTokens: string[] = []
  const all: Client[] = []

  async function connect(auth: SocketAuth): Promise<Client> {
    const client = await Client.connect(server.base, auth)
    all.push(client)
    return client
  }

  beforeAll(async () => {
    server = await startLiveServer({ lanAddress: null, sessions: { sessionsPerClient: null, lookupsPerClient: null }, socket: { ratePerSecond: 1e9, burst: 1e9 } })
    const pace = { pacingMs: 20, phaseTimeoutMs: 2000, phaseGapMs: 10 }
    const hosted = await server.createSession({ nodeCount: 10, ...pace })
    const replicas = await server.createSession({ nodeCount: 10, allowTampering: true, faults: { 1: 'equivocate', 2: 'tamper', 4: 'wrong-value' }, ...pace })
    const guests = await server.createSession({ nodeCount: 100, ...pace })
    hostSession = hosted.sessionId
    replicaSession = replicas.sessionId
    guestSession = guests.sessionId
    for (let i = 0; i < 2; i++) pools.host.push(await connect({ sessionId: hostSession, hostToken: hosted.hostToken }))
    for (const nodeId of [1, 2, 3, 4]) {
      seatTokens.push((await server.claim(replicaSession, { nodeId })).seatToken)
      pools.seat.push(await connect({ sessionId: replicaSession, seatToken: seatTokens.at(-1) }))
    }
    for (let i = 0; i < 3; i++) pools.guest.push(await connect({ sessionId: guestSession }))
    pools.bare.push(await connect({}))
    replicaHost = await connect({ sessionId: replicaSession, hostToken: replicas.hostToken })
    heapBefore = heapUsedMb()
  })

  afterAll(async () => {
    guards.remove()
    for (const client of all) client.close()
    await server?.close()
    console.info(`socket fuzz timings (${FUZZ_RUNS} payloads per event, batches of ${BATCH}):\n${timings.join('\n')}`)
  })

  /** Seat sockets act in a running round: start one when the last ended. */
  async function keepReplicaRoundRunning(): Promise<void> {
    const status = await server.request<{ status: string }>('GET', `/api/sessions/${replicaSession}/status`)
    if (status.body.status !== 'running') {
      const ack = await replicaHost.emit('host:start-round', {})
      if (!ack.ok) expect(ack.error.code).toBe('ROUND_RUNNING')
    }
  }

  /** A guest that claimed a seat is a seat now: replace it so the guest pool stays guests. */
  async function refreshGuests(): Promise<void> {
    for (let i = 0; i < pools.guest.length; i++) {
      const guest = pools.guest[i] as Client
      if (guest.replica !== null || !guest.socket.connected) {
        guest.close()
        pools.guest[i] = await connect({ sessionId: guestSession })
      }
    }
  }

  async function send(event: EventName, call: Call): Promise<unknown> {
    const pool = pools[call.role]
    const client = pool[call.socket % pool.length] as Client
    const socket = client.socket as unknown as {
      emit(event: string, ...args: unknown[]): void
      timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> }
    }
    emitted++
    switch (call.shape) {
      case 'ack':
        return socket.timeout(ACK_MS).emitWithAck(event, call.payload)
      case 'extra':
        return socket.timeout(ACK_MS).emitWithAck(event, call.payload, ...call.extra)
      case 'onlyAck':
        return socket.timeout(ACK_MS).emitWithAck(event)
      case 'noAck':
        socket.emit(event, call.payload)
        return null
      case 'noAckExtra':
        socket.emit(event, call.payload, ...call.extra)
        return null
    }
  }

  const events = Object.keys(EVENTS) as EventName[]
  events.forEach((event, index) => {
    it(`${event}: ${FUZZ_RUNS} payloads, acks well-formed, bad input refused, nobody dropped`, { timeout: 180_000 }, async () => {
      const started = performance.now()
      const { schema } = EVENTS[event]
      await fc.assert(
        fc.asyncProperty(fc.array(callArb(event), { minLength: BATCH, maxLength: BATCH }), async (calls) => {
          if (event.startsWith('replica:')) await keepReplicaRoundRunning()
          const acks = await Promise.all(calls.map((call) => send(event, call)))
          calls.forEach((call, i) => {
            if (call.shape === 'noAck' || call.shape === 'noAckExtra') return
            const what = () => `${event} as ${call.role} (${call.shape}) payload ${String(JSON.stringify(call.payload))?.slice(0, 300)} → ${JSON.stringify(acks[i])?.slice(0, 300)}`
            const ack = checkAck(acks[i], what)
            const input = received(call)
            if (!input.binary && !schema.safeParse(input.value).success) check(!ack.ok, () => `a payload the schema refuses was acknowledged ok: ${what()}`)
          })
          // Every socket of the batch is still connected and answering (no-ack events included).
          for (const pool of Object.values(pools)) {
            for (const client of pool) {
              check(client.socket.connected, () => `a ${event} batch dropped a socket`)
            }
          }
          if (event === 'seat:claim') await refreshGuests()
        }),
        { numRuns: Math.ceil(FUZZ_RUNS / BATCH), seed: FUZZ_SEED + 100 + index, endOnFailure: true },
      )
      for (const client of [...pools.host, ...pools.seat, ...pools.bare]) expect(await client.emit('session:sync', {}), event).toEqual({ ok: true })
      expect((await server.request('GET', '/api/health')).status).toBe(200)
      guards.check()
      timings.push(`  ${event}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
    })
  })

  it(`memory: the heap grew by less than ${HEAP_GROWTH_LIMIT_MB} MB over the whole fuzz`, () => {
    const growth = heapUsedMb() - heapBefore
    timings.push(`  heap growth: ${growth.toFixed(1)} MB over ${emitted} emits (after a full GC)`)
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT_MB)
  })

  it('after the fuzz, a real round still decides over sockets', { timeout: 20_000 }, async () => {
    const created = await server.createSession({ nodeCount: 4, pacingMs: 10, phaseTimeoutMs: 1000, phaseGapMs: 5 })
    const host = await connect({ sessionId: created.sessionId, hostToken: created.hostToken })
    expect(await host.emit('host:start-round', { seed: 7 })).toMatchObject({ ok: true, round: 1, seed: 7 })
    await host.until(() => host.outcomes.length > 0, 'the round outcome', 15_000)
    expect(host.outcomes[0]).toMatchObject({ round: 1, success: true, decidedValue: 'the proposal' })
    await within(Promise.resolve(), 'nothing')
    guards.check()
  })
})
