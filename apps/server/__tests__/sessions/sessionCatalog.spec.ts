import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateSessionBody } from '@pbft/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { SessionService, type SessionServiceOptions } from '../../src/sessions/sessionService'
import { FileSessionStore } from '../../src/store/fileSessionStore'
import { MemorySessionStore } from '../../src/store/memorySessionStore'
import { FakeClock } from './fakeClock'
import { QUIET_LOG } from './helpers'
import { refusalOf } from '../errors/refusalOf'

const SLOW = CreateSessionBody.parse({ nodeCount: 4, pacingMs: 1000, phaseTimeoutMs: 60_000, phaseGapMs: 100 })
const DAY = 24 * 60 * 60 * 1000

describe('stored sessions are loaded on demand, expire when idle, and are capped', () => {
  const dirs: string[] = []
  const services: SessionService[] = []

  afterEach(async () => {
    for (const service of services.splice(0)) await service.close()
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  async function open(options: Omit<SessionServiceOptions, 'log'>): Promise<SessionService> {
    const service = await SessionService.open({ log: QUIET_LOG, ...options })
    services.push(service)
    return service
  }

  it('a restart reads only the index: running rounds resume at once, other sessions load when first used', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pbft-catalog-'))
    dirs.push(dataDir)
    let store = await FileSessionStore.open(dataDir)
    let service = await open({ store, clock: new FakeClock() })
    const idle = (await service.create(SLOW)).session.id
    const running = (await service.create(SLOW)).session.id
    await service.startRound(running)
    await service.close()
    services.pop()
    await store.close()

    store = await FileSessionStore.open(dataDir)
    const loaded: string[] = []
    const loadSession = store.loadSession.bind(store)
    store.loadSession = (id: string) => {
      loaded.push(id)
      return loadSession(id)
    }
    service = await open({ store, clock: new FakeClock() })
    expect(service.storedCount).toBe(2)
    expect(service.size).toBe(1)
    expect(loaded).toEqual([running])
    expect(service.get(running).running).toBe(true)
    expect(() => service.get(idle)).toThrow(/no session/)
    expect(await service.ensure(idle.toLowerCase())).toBe(true)
    expect(service.get(idle).id).toBe(idle)
    expect(loaded).toEqual([running, idle])
    expect(await service.ensure('NOSUCH')).toBe(false)
    await store.close()
  })

  it(`a session idle for the TTL expires (deleted from the store), unless a round runs or a phone is connected`, async () => {
    const clock = new FakeClock()
    const store = new MemorySessionStore()
    const service = await open({ store, clock, lifetime: { ttlMs: 30 * DAY } })
    const old = (await service.create(SLOW)).session.id
    const watched = (await service.create(SLOW)).session.id
    const claim = await service.claimSeat(watched, { nodeId: 1 })
    service.seatConnected(watched, { nodeId: 1, tokenHash: service.seatForToken(watched, claim.seatToken).tokenHash }, 'phone')
    clock.advance(29 * DAY)
    expect(await service.expireIdle()).toBe(0)
    const fresh = (await service.create(SLOW)).session.id
    clock.advance(2 * DAY)
    expect(await service.expireIdle()).toBe(1)
    expect(() => service.get(old)).toThrow(/no session/)
    expect((await store.sessionIndex()).map((entry) => entry.id).sort()).toEqual([watched, fresh].sort())
    expect(service.get(watched).id).toBe(watched)
  })

  it('at the cap, the least recently active session idle for a day makes room; none idle: 503 SERVER_FULL', async () => {
    const clock = new FakeClock()
    const store = new MemorySessionStore()
    const service = await open({ store, clock, lifetime: { maxSessions: 2, evictIdleMs: DAY } })
    const first = (await service.create(SLOW)).session.id
    clock.advance(1000)
    const second = (await service.create(SLOW)).session.id
    expect(await refusalOf(service.create(SLOW))).toMatchObject({ code: 'SERVER_FULL', status: 503 })
    expect(service.storedCount).toBe(2)
    clock.advance(DAY + 1)
    // The first was active before the second: it goes.
    await service.claimSeat(second, {})
    const third = (await service.create(SLOW)).session.id
    expect(service.storedCount).toBe(2)
    expect(() => service.get(first)).toThrow(/no session/)
    expect((await store.sessionIndex()).map((entry) => entry.id).sort()).toEqual([second, third].sort())
  })
})
