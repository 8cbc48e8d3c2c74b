import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { HistoryResponse, SessionInfo } from '@pbft/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { FileSessionStore } from '../../src/store/fileSessionStore'
import { autoPlay, Client, startLiveServer, type LiveServer } from './liveServer'

describe('a server restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pbft-restart-'))
  const clients: Client[] = []
  let server: LiveServer | undefined

  afterAll(async () => {
    for (const client of clients) client.close()
    await server?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps sessions with their history, seats and tokens, and a running round', async () => {
    server = await startLiveServer({ store: await FileSessionStore.open(dataDir) })
    const created = await server.createSession({ nodeCount: 4, pacingMs: 5, phaseTimeoutMs: 5000, phaseGapMs: 5 })
    const { sessionId, hostToken } = created
    const seat = await server.claim(sessionId, { nodeId: 2, name: 'Ada' })
    const phone = await Client.connect(server.base, { sessionId, seatToken: seat.seatToken })
    clients.push(phone)
    autoPlay(phone)
    const host = await Client.connect(server.base, { sessionId, hostToken })
    clients.push(host)
    await host.emit('host:start-round')
    await host.until(() => host.outcomes.length === 1, 'round 1')
    phone.close()
    // Round 2 stops in the prepare phase: seat 2's human is away and bots may not take over.
    await host.emit('host:start-round')
    await host.until(() => host.host?.phase === 'prepare' && host.host.pending.join() === '2', 'round 2 waiting for seat 2')
    const traceBefore = [...host.trace]
    host.close()
    await server.close()

    server = await startLiveServer({ store: await FileSessionStore.open(dataDir) })
    const info = await server.request<SessionInfo>('GET', `/api/sessions/${sessionId}`)
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({ status: 'running', currentRound: 2, phase: 'prepare' })
    expect(info.body.seats[2]).toMatchObject({ holder: 'human', name: 'Ada', online: false })
    const history = await server.request<HistoryResponse>('GET', `/api/sessions/${sessionId}/history`)
    expect(history.body.rounds.map((r) => [r.round, r.outcome?.success])).toEqual([[1, true]])

    // Both tokens still work; the phone sees round 2 exactly where it was, and finishes it.
    const host2 = await Client.connect(server.base, { sessionId, hostToken })
    clients.push(host2)
    await host2.until(() => host2.host !== null, 'the host view')
    expect(host2.trace).toEqual(traceBefore)
    const back = await Client.connect(server.base, { sessionId, seatToken: seat.seatToken })
    clients.push(back)
    await back.until(() => back.replica !== null, 'the seat view')
    expect(back.replica).toMatchObject({ nodeId: 2, round: 2, phase: 'prepare', canAct: true })
    autoPlay(back)
    await host2.until(() => host2.outcomes.length === 1, 'round 2 to finish after the restart')
    expect(host2.outcomes[0]).toMatchObject({ round: 2, success: true })
    const started = await server.request<{ round: number }>('POST', `/api/sessions/${sessionId}/rounds`, { token: hostToken })
    expect(started).toMatchObject({ status: 201, body: { round: 3 } })
  })
})
