import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AssignNodeResponse, CreateSessionResponse, HistoryResponse, RoundTraceResponse, SessionInfo, SessionStatusResponse } from '@pbft/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import {
  freePort,
  killServer,
  ReconnectingClient,
  request,
  spawnServer,
  tempWebRoot,
  waitHealthy,
  type ChildServer,
} from './childServer'
import { actsPerPhase, autoPlay } from './play'

/**
 * The real server process (src/main.ts, file store) is killed with SIGKILL in the middle of a
 * round, right after some acts were acknowledged, and started again on the same port and
 * DATA_DIR. Nothing acknowledged may be lost, and the phones (Socket.IO clients) come back by
 * themselves and finish the round.
 */
describe('kill -9 mid-round, then restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pbft-kill9-'))
  const webRoot = tempWebRoot()
  const clients: ReconnectingClient[] = []
  const servers: ChildServer[] = []

  afterAll(async () => {
    for (const client of clients) client.close()
    for (const server of servers) await killServer(server).catch(() => undefined)
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(webRoot, { recursive: true, force: true })
  })

  it('keeps sessions, seats, tokens, history and every acknowledged act; clients reconnect and the round decides', async () => {
    const port = await freePort()
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, WEB_ROOT: webRoot, PUBLIC_URL: `http://127.0.0.1:${port}` }
    const start = async (): Promise<ChildServer> => {
      const server = spawnServer(env)
      servers.push(server)
      await waitHealthy(server)
      return server
    }
    let server = await start()
    const base = server.base

    // Four human seats (every replica is a person) and the host dashboard.
    const created = await request<CreateSessionResponse>(base, 'POST', '/api/sessions', {
      body: { nodeCount: 4, pacingMs: 5, phaseTimeoutMs: 60_000, phaseGapMs: 5 },
    })
    expect(created.status).toBe(201)
    const { sessionId, hostToken } = created.body
    const seats: AssignNodeResponse[] = []
    for (const nodeId of [0, 1, 2, 3]) {
      const claimed = await request<AssignNodeResponse>(base, 'POST', `/api/sessions/${sessionId}/assign-node`, { body: { nodeId, name: `P${nodeId}` } })
      expect(claimed.status).toBe(200)
      seats.push(claimed.body)
    }
    const phones = seats.map((seat) => new ReconnectingClient(base, { sessionId, seatToken: seat.seatToken }))
    const host = new ReconnectingClient(base, { sessionId, hostToken })
    clients.push(...phones, host)
    for (const client of [...phones, host]) await client.until(() => client.connected, 'a first connection')

    // Round 1 is played to the end: it must be in the history after the crash.
    const stops = phones.map((phone) => autoPlay(phone))
    expect(await host.emit('host:start-round')).toMatchObject({ ok: true, round: 1 })
    await host.until(() => host.outcomes.length === 1, 'round 1 to decide')
    expect(host.outcomes[0]).toMatchObject({ round: 1, success: true })
    stops.forEach((stop) => stop())

    // Round 2: the primary proposes, then every seat asked to prepare but the last one does.
    expect(await host.emit('host:start-round')).toMatchObject({ ok: true, round: 2 })
    const acknowledged: { nodeId: number; phase: string }[] = []
    const primary = phones[0]!
    await primary.until(() => primary.replica?.round === 2 && primary.replica.canAct, 'the primary to be asked to propose')
    expect(await primary.emit('replica:act')).toMatchObject({ ok: true, nodeId: 0 })
    acknowledged.push({ nodeId: 0, phase: 'pre-prepare' })
    for (const phone of phones) await phone.until(() => phone.replica?.round === 2 && phone.replica.phase === 'prepare', 'the prepare phase')
    const askedToPrepare = phones.filter((phone) => phone.replica?.canAct)
    expect(askedToPrepare.length).toBeGreaterThanOrEqual(2)
    const actors = askedToPrepare.slice(0, -1)
    const acks = await Promise.all(actors.map((phone) => phone.emit('replica:act')))
    for (const [i, ack] of acks.entries()) {
      expect(ack).toMatchObject({ ok: true })
      acknowledged.push({ nodeId: actors[i]!.replica!.nodeId, phase: 'prepare' })
    }
    const connectsBefore = [...phones, host].map((client) => client.connects)

    // Crash at once: no graceful close, no flush.
    await killServer(server, 'SIGKILL')
    expect(server.child.signalCode).toBe('SIGKILL')
    server = await start()

    // The clients come back by themselves (nobody calls connect()).
    for (const [i, client] of [...phones, host].entries()) {
      await client.until(() => client.connected && client.connects > connectsBefore[i]!, `client ${i} to reconnect by itself`)
    }
    const info = await request<SessionInfo>(base, 'GET', `/api/sessions/${sessionId}`)
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({ status: 'running', currentRound: 2, phase: 'prepare' })
    expect(info.body.seats.map((seat) => [seat.nodeId, seat.holder, seat.name])).toEqual([
      [0, 'human', 'P0'],
      [1, 'human', 'P1'],
      [2, 'human', 'P2'],
      [3, 'human', 'P3'],
    ])
    const history = await request<HistoryResponse>(base, 'GET', `/api/sessions/${sessionId}/history`)
    expect(history.body.rounds.map((round) => [round.round, round.outcome?.success])).toEqual([[1, true]])
    const status = await request<SessionStatusResponse>(base, 'GET', `/api/sessions/${sessionId}/status`)
    const last = askedToPrepare.at(-1)!.replica!.nodeId
    expect(status.body.pending).toContain(last)
    for (const { nodeId, phase } of acknowledged) expect(status.body.pending.includes(nodeId) && phase === 'prepare').toBe(false)

    // Every acknowledged act's messages are in the host's trace after the restart.
    await host.until(() => host.host?.round === 2 && host.host.phase === 'prepare', 'the host view of round 2 after the restart')
    for (const { nodeId, phase } of acknowledged) {
      const sent = host.trace.filter((message) => message.from === nodeId && message.phase === phase)
      expect(sent.length, `seat ${nodeId}'s ${phase} messages after the restart`).toBeGreaterThan(0)
    }
    // The reconnected phones see the round where it is.
    for (const phone of phones) await phone.until(() => phone.viewsSinceConnect > 0 && phone.replica?.round === 2, 'a view after reconnecting')
    expect(phones.find((phone) => phone.replica?.nodeId === last)?.replica).toMatchObject({ phase: 'prepare', canAct: true })

    // The tokens still act, and the round decides.
    phones.forEach((phone) => autoPlay(phone))
    await host.until(() => host.outcomes.some((outcome) => outcome.round === 2), 'round 2 to decide after the restart')
    expect(host.outcomes.find((outcome) => outcome.round === 2)).toMatchObject({ success: true, decidedValue: 'the proposal' })

    // Nobody acted twice in any phase, the crash notwithstanding.
    const trace = await request<RoundTraceResponse>(base, 'GET', `/api/sessions/${sessionId}/history?round=2`)
    expect(trace.status).toBe(200)
    const { acts } = actsPerPhase(trace.body)
    expect([...acts.values()].every((count) => count === 1)).toBe(true)
    for (const { nodeId, phase } of acknowledged) expect(acts.get(`${phase}:${nodeId}`)).toBe(1)
    const started = await request<{ round: number }>(base, 'POST', `/api/sessions/${sessionId}/rounds`, { token: hostToken })
    expect(started).toMatchObject({ status: 201, body: { round: 3 } })
  }, 45_000)
})
