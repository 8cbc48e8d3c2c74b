import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SessionInfo, SessionStatusResponse } from '@pbft/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { MemorySessionStore } from '../../src/store/memorySessionStore'
import { StoreError, type SessionStore } from '../../src/store/sessionStore'
import { startLiveServer, type LiveServer } from '../integration/liveServer'
import { freePort, killServer, ReconnectingClient, spawnServer, tempWebRoot, within, type ChildServer } from './childServer'
import { autoPlay } from './play'

/** A store whose session saves fail like a full disk while `failing` is set. */
class FullDiskStore extends MemorySessionStore implements SessionStore {
  failing = false
  failures = 0

  override async saveSession(id: string, document: unknown): Promise<void> {
    if (this.failing) {
      this.failures++
      throw new StoreError(`cannot write /data/sessions/${id}.json: the disk is full (ENOSPC: no space left on device)`, 'NO_SPACE')
    }
    return super.saveSession(id, document)
  }
}

describe('an unwritable DATA_DIR at start-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbft-baddata-'))
  const webRoot = tempWebRoot()
  let server: ChildServer | undefined

  afterAll(async () => {
    await killServer(server)
    rmSync(dir, { recursive: true, force: true })
    rmSync(webRoot, { recursive: true, force: true })
  })

  it('stops the process with a non-zero code and a message naming the path', async () => {
    const file = join(dir, 'not-a-directory')
    writeFileSync(file, 'a regular file')
    const dataDir = join(file, 'data')
    server = spawnServer({ PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, WEB_ROOT: webRoot })
    const code = await within(server.exited, 'the server to give up')
    expect(code).not.toBe(0)
    expect(typeof code).toBe('number')
    const output = server.output()
    expect(output).toContain(join(dataDir, 'sessions'))
    expect(output).toMatch(/pbft server: cannot create the data directory .*not writable/)
  }, 20_000)
})

describe('a save that fails at runtime (disk full)', () => {
  const store = new FullDiskStore()
  const logged: string[] = []
  const log = { info: () => undefined, warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) }
  let server: LiveServer
  const clients: ReconnectingClient[] = []

  afterAll(async () => {
    for (const client of clients) client.close()
    await server?.close()
  })

  it("answers the human's act with an error ack (never a silent success) and logs the failure", async () => {
    server = await startLiveServer({ store, lanAddress: null, sessions: { log }, socket: { log } })
    const created = await server.createSession({ nodeCount: 4, pacingMs: 5, phaseTimeoutMs: 20_000, phaseGapMs: 5 })
    const { sessionId, hostToken } = created
    const seat = await server.claim(sessionId, { nodeId: 1 })
    const phone = new ReconnectingClient(server.base, { sessionId, seatToken: seat.seatToken })
    const host = new ReconnectingClient(server.base, { sessionId, hostToken })
    clients.push(phone, host)
    await phone.until(() => phone.connected && phone.replica !== null, 'the seat view')
    expect(await host.emit('host:start-round')).toMatchObject({ ok: true })
    await phone.until(() => phone.replica?.canAct === true, 'seat 1 to be asked to prepare')

    store.failing = true
    const ack = await phone.emit('replica:act')
    expect(ack.ok).toBe(false)
    // Said plainly: the storage failed, not an anonymous internal error.
    expect(ack).toMatchObject({ ok: false, error: { code: 'STORAGE' } })
    expect(store.failures).toBeGreaterThan(0)
    expect(logged.join('\n')).toMatch(/the disk is full/)

    // The act was played (the others saw its messages) but reported as not saved: seat 1 is no
    // longer pending in the prepare phase.
    const status = await server.request<SessionStatusResponse>('GET', `/api/sessions/${sessionId}/status`)
    expect(status.body.phase === 'prepare' && status.body.pending.includes(1)).toBe(false)

    // The disk has room again: the round goes on and the session is saved whole.
    store.failing = false
    autoPlay(phone)
    await host.until(() => host.outcomes.length === 1, 'the round to decide')
    await server.app.sessions.flushSaves()
    const saved = (await store.loadSessions()) as { id: string; rounds: { log: { type: string; replica?: number; by?: string }[] }[] }[]
    const document = saved.find((candidate) => candidate.id === sessionId)
    expect(document?.rounds[0]?.log.some((entry) => entry.type === 'act' && entry.replica === 1 && entry.by === 'human')).toBe(true)
    // Its prepare (unsaved, but played), its commit, and the REPLY every replica that decided sends on its own.
    expect(document?.rounds[0]?.log.filter((entry) => entry.type === 'act' && entry.replica === 1)).toHaveLength(3)
  }, 20_000)

  it('answers REST changes with 503 STORAGE while the disk is full, never a success', async () => {
    const created = await server.createSession({ nodeCount: 4 })
    store.failing = true
    try {
      const claim = await server.request<{ error: { code: string; message: string } }>('POST', `/api/sessions/${created.sessionId}/assign-node`, { body: { nodeId: 2 } })
      expect(claim.status).toBe(503)
      expect(claim.body.error.code).toBe('STORAGE')
      expect(claim.body.error.message).toMatch(/could not save/)
      const start = await server.request('POST', `/api/sessions/${created.sessionId}/rounds`, { token: created.hostToken })
      expect(start.status).toBe(503)
      const create = await server.request('POST', '/api/sessions', { body: { nodeCount: 4 } })
      expect(create.status).toBe(503)
    } finally {
      store.failing = false
    }
  })

  // Regression: claimSeat applied the claim in memory before its save; when the save failed the
  // caller never saw the seat token, yet the seat stayed taken by nobody.
  it('undoes a claim whose save failed, so the seat stays free', async () => {
    const created = await server.createSession({ nodeCount: 4 })
    store.failing = true
    try {
      const claim = await server.request('POST', `/api/sessions/${created.sessionId}/assign-node`, { body: { nodeId: 2 } })
      expect(claim.status).toBe(503)
    } finally {
      store.failing = false
    }
    const info = await server.request<SessionInfo>('GET', `/api/sessions/${created.sessionId}`)
    expect(info.body.seats[2]?.holder).toBe('bot')
  })
})
