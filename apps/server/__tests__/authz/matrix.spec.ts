import { createHash } from 'node:crypto'
import type { SocketAuth } from '@pbft/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app'
import { Client, startLiveServer, within, type LiveServer } from '../integration/liveServer'

/**
 * The authorization matrix of issue "Bad input and access": who may call what, table-driven.
 *
 * Actors (rows): a guest (no token), the seat token of seat A (node 1) and of seat B (node 2)
 * of session S, a seat token of ANOTHER session S2, S2's host token, and S's host token.
 * Targets (columns): the host-only REST routes, every host socket event, replica:act/skip for
 * the socket's own seat and for another seat, and every read (REST and pushed views), which
 * must never contain a token or a token hash. Expected cells follow docs/protocol.md:
 * REST without a token 401 UNAUTHORIZED, with a wrong one 403 FORBIDDEN; sockets refuse a
 * foreign token at the handshake (connect_error FORBIDDEN) and any non-host event as FORBIDDEN.
 */

type Actor = 'guest' | 'seatA' | 'seatB' | 'otherSessionSeat' | 'otherSessionHost' | 'host'
const ACTORS: Actor[] = ['guest', 'seatA', 'seatB', 'otherSessionSeat', 'otherSessionHost', 'host']

const SEAT_A = 1
const SEAT_B = 2
const SEAT_KICKED = 3

/** What a cell expects: allowed (2xx / ok ack) or refused with this status and code. */
type Expect = { allow: true } | { allow: false; status: number; code: string }
const ALLOW: Expect = { allow: true }
const UNAUTHORIZED: Expect = { allow: false, status: 401, code: 'UNAUTHORIZED' }
const FORBIDDEN: Expect = { allow: false, status: 403, code: 'FORBIDDEN' }

/** Host-only REST routes: no token 401, any token but S's host token 403. */
const REST_EXPECT: Record<Actor, Expect> = {
  guest: UNAUTHORIZED,
  seatA: FORBIDDEN,
  seatB: FORBIDDEN,
  otherSessionSeat: FORBIDDEN,
  otherSessionHost: FORBIDDEN,
  host: ALLOW,
}

/** Socket handshakes to session S: a token of another session is refused at connect time. */
const HANDSHAKE_EXPECT: Record<Actor, 'guest' | 'seat' | 'host' | 'FORBIDDEN'> = {
  guest: 'guest',
  seatA: 'seat',
  seatB: 'seat',
  otherSessionSeat: 'FORBIDDEN',
  otherSessionHost: 'FORBIDDEN',
  host: 'host',
}

/** Host socket events in an order in which each is valid for the host (round started before next-phase…). */
const HOST_EVENTS = [
  ['host:start-round', {}],
  ['host:next-phase', {}],
  ['host:next-view', {}],
  ['host:reset-round', {}],
  ['host:set-delivery-rate', { messageDeliveryRate: 90 }],
  ['host:set-fault', { nodeId: 0, fault: 'honest' }],
  ['host:lock', { locked: false }],
  ['host:set-bot-takeover', { botTakeover: false }],
  ['host:set-quorum-rule', { quorumRule: 'original' }],
  ['host:set-idle-bot', { idleBotAfterMs: null }],
  ['host:kick', { nodeId: SEAT_KICKED }],
] as const

interface World {
  server: LiveServer
  sessionId: string
  otherSessionId: string
  tokens: Record<Exclude<Actor, 'guest'>, string>
}

let world: World
const clients: Client[] = []

/** The handshake `auth` an actor uses to reach session S. */
function authFor(actor: Actor): SocketAuth {
  const { sessionId, tokens } = world
  switch (actor) {
    case 'guest':
      return { sessionId }
    case 'seatA':
    case 'seatB':
    case 'otherSessionSeat':
      return { sessionId, seatToken: tokens[actor] }
    case 'otherSessionHost':
    case 'host':
      return { sessionId, hostToken: tokens[actor] }
  }
}

async function connect(auth: SocketAuth): Promise<Client> {
  const client = await Client.connect(world.server.base, auth)
  clients.push(client)
  return client
}

/** Connects, or returns the connect_error's `data` code. */
async function tryConnect(auth: SocketAuth): Promise<Client | string> {
  try {
    return await connect(auth)
  } catch (error) {
    const data = (error as { data?: { code?: string } }).data
    return data?.code ?? `no data: ${String(error)}`
  }
}

function bearer(actor: Actor): string | undefined {
  return actor === 'guest' ? undefined : world.tokens[actor]
}

function hashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Every token and token hash of both sessions, and the key names that would carry them. */
function secrets(): string[] {
  const tokens = Object.values(world.tokens)
  return [...tokens, ...tokens.map(hashOf)]
}
const SECRET_KEYS = ['hostToken', 'seatToken', 'tokenHash']

function expectNoSecrets(json: unknown, where: string, { keys = true } = {}): void {
  const text = JSON.stringify(json) ?? ''
  for (const secret of secrets()) expect(text.includes(secret), `${where} leaks a token or hash`).toBe(false)
  if (keys) for (const key of SECRET_KEYS) expect(text.includes(`"${key}"`), `${where} has key ${key}`).toBe(false)
}

beforeAll(async () => {
  const server = await startLiveServer({ sessions: { sessionsPerClient: null } })
  // Bots pace slowly and phases last long, so the round's state only changes when the test acts.
  const created = await server.createSession({ nodeCount: 5, pacingMs: 2000, phaseTimeoutMs: 20_000, phaseGapMs: 50, faults: { [SEAT_B]: 'silent' } })
  const other = await server.createSession({ nodeCount: 4 })
  const seatA = (await server.claim(created.sessionId, { nodeId: SEAT_A, name: 'A' })).seatToken
  const seatB = (await server.claim(created.sessionId, { nodeId: SEAT_B, name: 'B' })).seatToken
  const otherSessionSeat = (await server.claim(other.sessionId, { nodeId: 1 })).seatToken
  world = {
    server,
    sessionId: created.sessionId,
    otherSessionId: other.sessionId,
    tokens: { seatA, seatB, otherSessionSeat, otherSessionHost: other.hostToken, host: created.hostToken },
  }
})

afterAll(async () => {
  for (const client of clients) client.close()
  await world.server.close()
})

describe('authorization matrix', () => {
  describe('host-only REST routes', () => {
    const routes = [
      ['POST', 'rounds', 201, {}],
      ['POST', 'next-view', 200, {}],
      ['POST', 'reset-round', 200, {}],
      ['PATCH', 'settings', 200, { idleBotAfterMs: null }],
    ] as const
    for (const [method, route, okStatus, body] of routes) {
      for (const actor of ACTORS) {
        const expected = REST_EXPECT[actor]
        it(`${method} /api/sessions/:id/${route} as ${actor} → ${expected.allow ? okStatus : expected.code}`, async () => {
          const response = await world.server.request<{ error?: { code: string; message: string } }>(method, `/api/sessions/${world.sessionId}/${route}`, {
            body,
            token: bearer(actor),
          })
          if (expected.allow) {
            expect(response.status).toBe(okStatus)
          } else {
            expect(response.status).toBe(expected.status)
            expect(response.body).toEqual({ error: { code: expected.code, message: expect.any(String) } })
          }
        })
      }
    }

    it('a token in another scheme, or a seat token for a host route of its own session, is refused', async () => {
      const { server, sessionId, tokens } = world
      for (const authorization of [`Basic ${tokens.host}`, tokens.host, `Bearer`, `Bearer ${tokens.host} extra`]) {
        const response = await fetch(`${server.base}/api/sessions/${sessionId}/reset-round`, { method: 'POST', headers: { authorization } })
        expect([401, 403], authorization).toContain(response.status)
        expect(await response.json()).toEqual({ error: { code: expect.stringMatching(/^(UNAUTHORIZED|FORBIDDEN)$/), message: expect.any(String) } })
      }
    })
  })

  describe('socket handshakes to session S', () => {
    for (const actor of ACTORS) {
      it(`${actor} → ${HANDSHAKE_EXPECT[actor]}`, async () => {
        const result = await tryConnect(authFor(actor))
        const expected = HANDSHAKE_EXPECT[actor]
        if (expected === 'FORBIDDEN') {
          expect(result).toBe('FORBIDDEN')
          return
        }
        expect(result).toBeInstanceOf(Client)
        const client = result as Client
        await client.until(() => client.info !== null, 'session:update')
        if (expected === 'host') await client.until(() => client.host !== null, 'host:view')
        if (expected === 'seat') await client.until(() => client.replica !== null, 'replica:view')
        client.close()
      })
    }

    it('a token in the wrong field is refused (host token as seat token and the reverse)', async () => {
      const { sessionId, tokens } = world
      expect(await tryConnect({ sessionId, seatToken: tokens.host })).toBe('FORBIDDEN')
      expect(await tryConnect({ sessionId, hostToken: tokens.seatA })).toBe('FORBIDDEN')
    })
  })

  describe('host socket events', () => {
    // Sockets that pass the handshake to S; the two foreign-token actors cannot (see above), so
    // their cell is "refused at connect"; as hosts of their OWN session they are covered by
    // `otherSessionHost on S2` below, which must leave S untouched.
    const EVENT_EXPECT: Record<'guest' | 'seatA' | 'seatB' | 'host', Expect> = {
      guest: FORBIDDEN,
      seatA: FORBIDDEN,
      seatB: FORBIDDEN,
      host: ALLOW,
    }
    for (const actor of ['guest', 'seatA', 'seatB', 'host'] as const) {
      it(`every host event as ${actor} → ${EVENT_EXPECT[actor].allow ? 'ok' : 'FORBIDDEN'}`, async () => {
        if (actor === 'host') await world.server.claim(world.sessionId, { nodeId: SEAT_KICKED })
        const client = await connect(authFor(actor))
        const before = await world.server.request<{ status: string; locked: boolean }>('GET', `/api/sessions/${world.sessionId}/status`)
        for (const [event, payload] of HOST_EVENTS) {
          const ack = await client.emit(event, payload)
          const expected = EVENT_EXPECT[actor]
          if (expected.allow) expect(ack, event).toMatchObject({ ok: true })
          else expect(ack, event).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } })
        }
        if (!EVENT_EXPECT[actor].allow) {
          const after = await world.server.request('GET', `/api/sessions/${world.sessionId}/status`)
          expect(after.body).toEqual(before.body)
        }
        client.close()
      })
    }

    it('the host of another session commands its own session only', async () => {
      const other = await connect({ sessionId: world.otherSessionId, hostToken: world.tokens.otherSessionHost })
      const before = await world.server.request('GET', `/api/sessions/${world.sessionId}`)
      expect(await other.emit('host:lock', { locked: true })).toEqual({ ok: true, locked: true })
      expect(await other.emit('host:kick', { nodeId: SEAT_A })).toMatchObject({ ok: true })
      const after = await world.server.request<{ locked: boolean }>('GET', `/api/sessions/${world.sessionId}`)
      expect(after.body).toEqual(before.body)
      expect(after.body.locked).toBe(false)
      other.close()
    })
  })

  describe('replica:act / replica:skip', () => {
    it('own seat is allowed (state codes only), another seat is FORBIDDEN, guest and host are FORBIDDEN', async () => {
      const host = await connect(authFor('host'))
      const a = await connect(authFor('seatA'))
      const b = await connect(authFor('seatB'))
      const guest = await connect(authFor('guest'))
      expect(await host.emit('host:start-round', {})).toMatchObject({ ok: true })
      const cells: { who: string; client: Client; event: 'replica:act' | 'replica:skip'; payload: unknown; allow: boolean }[] = []
      for (const event of ['replica:act', 'replica:skip'] as const) {
        cells.push(
          { who: 'seatA own (no nodeId)', client: a, event, payload: {}, allow: true },
          { who: 'seatA own (nodeId)', client: a, event, payload: { nodeId: SEAT_A }, allow: true },
          { who: 'seatA → seat B', client: a, event, payload: { nodeId: SEAT_B }, allow: false },
          { who: 'seatA → seat 0', client: a, event, payload: { nodeId: 0 }, allow: false },
          { who: 'seatB own', client: b, event, payload: { nodeId: SEAT_B }, allow: true },
          { who: 'seatB → seat A', client: b, event, payload: { nodeId: SEAT_A }, allow: false },
          { who: 'guest', client: guest, event, payload: {}, allow: false },
          { who: 'guest naming seat A', client: guest, event, payload: { nodeId: SEAT_A }, allow: false },
          { who: 'host', client: host, event, payload: { nodeId: SEAT_A }, allow: false },
        )
      }
      for (const cell of cells) {
        const ack = await cell.client.emit(cell.event, cell.payload)
        if (cell.allow) {
          // Authorized: the answer depends only on the round (whose turn, honest or not).
          if (!ack.ok) expect(['NOT_PENDING', 'NOT_BYZANTINE', 'ROUND_OVER', 'NO_ROUND'], `${cell.event} ${cell.who}`).toContain(ack.error.code)
        } else {
          expect(ack, `${cell.event} ${cell.who}`).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } })
        }
      }
      expect(await host.emit('host:reset-round', {})).toMatchObject({ ok: true })
      for (const client of [host, a, b, guest]) client.close()
    })
  })

  describe('reads never carry tokens or hashes', () => {
    it('GET session, status, connected-nodes, history (and a round trace) as every actor', async () => {
      const { server, sessionId } = world
      const history = await server.request<{ rounds: { round: number }[] }>('GET', `/api/sessions/${sessionId}/history`)
      expect(history.body.rounds.length).toBeGreaterThan(0)
      const round = history.body.rounds[0]?.round ?? 1
      const paths = ['', '/status', '/connected-nodes', '/history', `/history?round=${round}`]
      for (const actor of ACTORS) {
        for (const path of paths) {
          for (const id of [sessionId, world.otherSessionId]) {
            if (id !== sessionId && path.includes('round=')) continue
            const response = await server.request('GET', `/api/sessions/${id}${path}`, { token: bearer(actor) })
            expect(response.status, `${actor} GET ${path}`).toBe(200)
            expectNoSecrets(response.body, `${actor} GET /api/sessions/:id${path}`)
          }
        }
      }
    })

    it('pushed views (session:update, host:view, replica:view, session:sync) carry no tokens', async () => {
      const host = await connect(authFor('host'))
      const a = await connect(authFor('seatA'))
      const guest = await connect(authFor('guest'))
      const seen: unknown[] = []
      for (const client of [host, a, guest]) client.socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }))
      for (const client of [host, a, guest]) expect(await client.emit('session:sync', {})).toEqual({ ok: true })
      await within(
        (async () => {
          while (seen.length < 5) await new Promise((resolve) => setTimeout(resolve, 10))
        })(),
        'the synced views',
      )
      expectNoSecrets(seen, 'socket views')
      expectNoSecrets([host.host, host.info, a.replica, guest.info], 'latest views')
      // The host kicked seat 3's holder (this test's own address) above: let it claim again.
      expect(await host.emit('host:allow-seat', { nodeId: SEAT_KICKED })).toMatchObject({ ok: true })
      // A claim answers the new seat's own token once, and nothing else.
      const claim = await guest.emit('seat:claim', { nodeId: 4 })
      expect(claim).toMatchObject({ ok: true, nodeId: 4, seatToken: expect.any(String) })
      expectNoSecrets(claim, 'seat:claim ack', { keys: false })
      expect(Object.keys(claim).filter((key) => SECRET_KEYS.includes(key))).toEqual(['seatToken'])
      expect(JSON.stringify(claim)).not.toContain(hashOf(String(claim.seatToken)))
      for (const client of [host, a, guest]) client.close()
    })
  })

  describe('DELETE /api/sessions/:id (last: it ends session S)', () => {
    for (const actor of ACTORS) {
      const expected = REST_EXPECT[actor]
      it(`as ${actor} → ${expected.allow ? 200 : expected.code}`, async () => {
        const response = await world.server.request('DELETE', `/api/sessions/${world.sessionId}`, { token: bearer(actor) })
        if (expected.allow) {
          expect(response).toEqual({ status: 200, body: { sessionId: world.sessionId, deleted: true } })
          expect((await world.server.request('GET', `/api/sessions/${world.sessionId}`)).status).toBe(404)
        } else {
          expect(response.status).toBe(expected.status)
          expect(response.body).toEqual({ error: { code: expected.code, message: expect.any(String) } })
          expect((await world.server.request('GET', `/api/sessions/${world.sessionId}`)).status).toBe(200)
        }
      })
    }
  })
})

describe('limits', () => {
  describe('sessions per client', () => {
    it(`the default allows 20 sessions per client address, then 429 TOO_MANY_SESSIONS; others are unaffected`, async () => {
      const app = await buildApp({ webRoot: '/nonexistent', lanAddress: null })
      try {
        const create = (remoteAddress: string, body: unknown = { nodeCount: 4 }) =>
          app.inject({ method: 'POST', url: '/api/sessions', payload: body as object, remoteAddress })
        for (let i = 0; i < 20; i++) expect((await create('10.0.0.1')).statusCode).toBe(201)
        const refused = await create('10.0.0.1')
        expect(refused.statusCode).toBe(429)
        expect(refused.json()).toEqual({ error: { code: 'TOO_MANY_SESSIONS', message: expect.stringContaining('at most 20 per 10 min') } })
        expect((await create('10.0.0.2')).statusCode).toBe(201)
        // The server keeps serving everyone else, and reads are not limited.
        expect((await app.inject({ method: 'GET', url: '/api/health', remoteAddress: '10.0.0.1' })).statusCode).toBe(200)
      } finally {
        await app.close()
      }
    })

    it('is configurable, counts only created sessions, and frees up after the window', async () => {
      let now = 1_000_000
      const realNow = Date.now
      const app = await buildApp({ webRoot: '/nonexistent', lanAddress: null, sessions: { sessionsPerClient: { maxSessions: 3, windowMs: 60_000 } } })
      try {
        const create = (body: unknown = { nodeCount: 4 }) => app.inject({ method: 'POST', url: '/api/sessions', payload: body as object, remoteAddress: '10.0.0.9' })
        // Refused bodies do not use up the allowance.
        for (let i = 0; i < 5; i++) expect((await create({ nodeCount: 1 })).statusCode).toBe(400)
        Date.now = () => now
        for (let i = 0; i < 3; i++) expect((await create()).statusCode).toBe(201)
        const refused = await create()
        expect(refused.statusCode).toBe(429)
        expect(refused.json()).toEqual({ error: { code: 'TOO_MANY_SESSIONS', message: expect.stringContaining('at most 3 per 1 min') } })
        now += 60_001
        expect((await create()).statusCode).toBe(201)
      } finally {
        Date.now = realNow
        await app.close()
      }
    })
  })

  describe('message rate per socket', () => {
    it('a burst beyond 40 events is RATE_LIMITED; the socket recovers after a pause', async () => {
      const guest = await connect({ sessionId: world.otherSessionId })
      const acks = await Promise.all(Array.from({ length: 80 }, () => guest.emit('session:sync', {})))
      const ok = acks.filter((ack) => ack.ok).length
      const limited = acks.filter((ack) => !ack.ok && ack.error.code === 'RATE_LIMITED').length
      expect(ok + limited).toBe(80)
      expect(ok).toBeGreaterThanOrEqual(40)
      expect(ok).toBeLessThan(60)
      expect(acks.find((ack) => !ack.ok)).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: expect.any(String) } })
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(await guest.emit('session:sync', {})).toEqual({ ok: true })
      guest.close()
    })
  })

  describe('payload size', () => {
    it('an HTTP body over 256 KiB is 413 with the error shape', async () => {
      for (const path of ['/api/sessions', `/api/sessions/${world.otherSessionId}/assign-node`, '/api/experiments']) {
        const response = await world.server.request('POST', path, { body: { nodeCount: 4, pad: 'x'.repeat(300 * 1024) } })
        expect(response.status, path).toBe(413)
        expect(response.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } })
      }
    })

    it('a socket message over 64 KiB disconnects that socket; the server keeps serving', async () => {
      const guest = await connect({ sessionId: world.otherSessionId })
      const disconnected = new Promise<string>((resolve) => guest.socket.once('disconnect', (reason) => resolve(reason)))
      // Without an ack on purpose: the server never answers, it drops the connection.
      ;(guest.socket as unknown as { emit(event: string, payload: unknown): void }).emit('session:sync', { pad: 'x'.repeat(70 * 1024) })
      expect(await within(disconnected, 'the oversized socket to be dropped')).toMatch(/transport close|transport error/)
      expect((await world.server.request('GET', '/api/health')).status).toBe(200)
      const again = await connect({ sessionId: world.otherSessionId })
      expect(await again.emit('session:sync', {})).toEqual({ ok: true })
      again.close()
    })
  })
})
