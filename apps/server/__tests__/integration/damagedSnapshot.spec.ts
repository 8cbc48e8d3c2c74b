import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { HealthResponse, SessionInfo } from '@pbft/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { FileSessionStore } from '../../src/store/fileSessionStore'
import { startLiveServer, type LiveServer } from './liveServer'

describe('a damaged snapshot file', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pbft-damaged-'))
  const sessionsDir = join(dataDir, 'sessions')
  let server: LiveServer | undefined

  afterAll(async () => {
    await server?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('falls back to the previous generation, or is quarantined, and /api/health says degraded naming it', async () => {
    let store = await FileSessionStore.open(dataDir, { snapshotDelayMs: 5 })
    server = await startLiveServer({ store })
    const a = await server.createSession({ nodeCount: 4 })
    await server.claim(a.sessionId, { nodeId: 1, name: 'first' })
    await store.flushSnapshots()
    await server.claim(a.sessionId, { nodeId: 2, name: 'second' })
    await store.flushSnapshots()
    const b = await server.createSession({ nodeCount: 4 })
    await server.close()
    server = undefined
    expect(JSON.parse(readFileSync(join(sessionsDir, `${a.sessionId}.prev.json`), 'utf8'))).toMatchObject({ id: a.sessionId })

    // A cut in half, B emptied: what a failing disk or a careless copy leaves.
    const aPath = join(sessionsDir, `${a.sessionId}.json`)
    truncateSync(aPath, Math.floor(readFileSync(aPath).length / 2))
    writeFileSync(join(sessionsDir, `${b.sessionId}.json`), '')

    store = await FileSessionStore.open(dataDir, { snapshotDelayMs: 5 })
    server = await startLiveServer({ store })
    const restored = await server.request<SessionInfo>('GET', `/api/sessions/${a.sessionId}`)
    expect(restored.status).toBe(200)
    // The previous generation: the first claim, not the second.
    expect(restored.body.seats.map((seat) => seat.name)).toEqual([null, 'first', null, null])
    expect((await server.request('GET', `/api/sessions/${b.sessionId}`)).status).toBe(404)

    const health = await server.request<HealthResponse>('GET', '/api/health')
    expect(health.status).toBe(200)
    expect(health.body.status).toBe('degraded')
    expect(health.body.problems).toHaveLength(2)
    expect(health.body.problems?.find((p) => p.includes(a.sessionId))).toMatch(/previous snapshot .* was loaded instead/)
    expect(health.body.problems?.find((p) => p.includes(b.sessionId))).toMatch(/no readable previous snapshot/)
    const names = readdirSync(sessionsDir)
    expect(names.filter((name) => name.includes('.damaged-')).length).toBe(2)

    // The restored session works and is saved again as a whole snapshot.
    await server.claim(a.sessionId, { nodeId: 3, name: 'third' })
    await store.flushSnapshots()
    expect(JSON.parse(readFileSync(aPath, 'utf8'))).toMatchObject({ id: a.sessionId })
  })
})
