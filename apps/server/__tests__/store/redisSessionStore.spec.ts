import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { RedisSessionStore } from '../../src/store/redisSessionStore'
import { StoreError } from '../../src/store/sessionStore'
import { startRedisServer, type RedisServer } from '../cluster/redisServer'

describe('RedisSessionStore (a real redis-server)', () => {
  let server: RedisServer
  let redis: Redis
  let store: RedisSessionStore
  let prefix: string
  let counter = 0

  beforeAll(async () => {
    server = await startRedisServer()
    redis = server.client()
  }, 15_000)

  afterAll(async () => {
    redis?.disconnect()
    await server?.stop()
  })

  beforeEach(() => {
    // Each test its own key space on the shared server.
    prefix = `t${++counter}`
    store = new RedisSessionStore(redis, { keyPrefix: prefix })
  })

  afterEach(async () => {
    await store.close()
  })

  it('session documents expire SESSION_TTL_DAYS after their last save (fenced or not); the id set forgets them', async () => {
    const plain = new RedisSessionStore(redis, { keyPrefix: `${prefix}p`, sessionTtlMs: 300 })
    const fenced = new RedisSessionStore(redis, { keyPrefix: `${prefix}f`, sessionTtlMs: 300, fence: { leaseKey: (id) => `${prefix}f:lease:${id}`, owner: 'me' } })
    try {
      for (const [store, p] of [[plain, `${prefix}p`], [fenced, `${prefix}f`]] as const) {
        await store.saveSession('s1', { v: 1 })
        await store.saveExperiment('e1', '{"v":1}')
        const ttl = await redis.pttl(`${p}:session:s1`)
        expect(ttl).toBeGreaterThan(0)
        expect(ttl).toBeLessThanOrEqual(300)
        expect(await redis.pttl(`${p}:experiment:e1`)).toBe(-1)
      }
      await new Promise((resolve) => setTimeout(resolve, 400))
      for (const [store, p] of [[plain, `${prefix}p`], [fenced, `${prefix}f`]] as const) {
        expect(await store.loadSession('s1')).toBeNull()
        await store.forgetExpired('s1')
        expect(await redis.smembers(`${p}:sessions`)).toEqual([])
      }
    } finally {
      await plain.close()
      await fenced.close()
    }
  })

  it('round-trips sessions and experiments as JSON strings under their keys and id sets', async () => {
    await store.saveSession('s1', { v: 1, name: 'demo' })
    await store.saveExperiment('e1', '{"v":1,"status":"done","results":[\n{}\n]}\n')
    expect(JSON.parse((await redis.get(`${prefix}:session:s1`)) ?? 'null')).toEqual({ v: 1, name: 'demo' })
    expect(await redis.smembers(`${prefix}:sessions`)).toEqual(['s1'])
    expect(await redis.smembers(`${prefix}:experiments`)).toEqual(['e1'])
    expect(await store.loadSessions()).toEqual([{ v: 1, name: 'demo' }])
    expect(await store.loadExperiment('e1')).toBe('{"v":1,"status":"done","results":[\n{}\n]}\n')
    expect(await store.loadExperiment('nope')).toBeNull()
    expect(await store.loadSession('s1')).toEqual({ v: 1, name: 'demo' })
    expect(await store.loadSession('nope')).toBeNull()
    expect(await store.sessionIds()).toEqual(['s1'])
  })

  it('lists experiments by their first line, read with GETRANGE (a long line whole), and deletes them', async () => {
    const results = Array.from({ length: 20_000 }, (_, i) => `{"point":${i}}`).join(',\n')
    await store.saveExperiment('big', `{"v":1,"id":"big","results":[\n${results}\n]}\n`)
    await store.saveExperiment('flat', `{"v":1,"id":"flat","pad":"${'x'.repeat(100_000)}"}\n`)
    await store.saveExperiment('short', '{"v":1,"id":"short"}')
    await redis.sadd(`${prefix}:experiments`, 'gone')
    expect(await store.loadExperimentHeads()).toEqual([
      { id: 'big', head: '{"v":1,"id":"big","results":[' },
      { id: 'flat', head: `{"v":1,"id":"flat","pad":"${'x'.repeat(100_000)}"}` },
      { id: 'short', head: '{"v":1,"id":"short"}' },
    ])
    expect(store.warnings.join('\n')).toContain(`${prefix}:experiment:gone`)
    await store.deleteExperiment('big')
    expect(await redis.exists(`${prefix}:experiment:big`)).toBe(0)
    expect((await redis.smembers(`${prefix}:experiments`)).sort()).toEqual(['flat', 'gone', 'short'])
  })

  it('deletes sessions (document and id together), and deleting a missing one is fine', async () => {
    await store.saveSession('s1', { v: 1 })
    await store.deleteSession('s1')
    await store.deleteSession('never-saved')
    expect(await store.loadSessions()).toEqual([])
    expect(await redis.exists(`${prefix}:session:s1`, `${prefix}:sessions`)).toBe(0)
  })

  it('coalesces a burst of saves: every promise resolves and the newest document is stored', async () => {
    const multi = vi.spyOn(redis, 'multi')
    try {
      const saves = Array.from({ length: 100 }, (_, i) => store.saveSession('hot', { v: 1, i }))
      await expect(Promise.all(saves)).resolves.toHaveLength(100)
      expect(await store.loadSessions()).toEqual([{ v: 1, i: 99 }])
      // The first write starts at once; the 99 saves queued behind it become one more write.
      expect(multi.mock.calls.length).toBeGreaterThanOrEqual(1)
      expect(multi.mock.calls.length).toBeLessThanOrEqual(2)
    } finally {
      multi.mockRestore()
    }
  })

  it('snapshots a document when it is saved, not when it is written', async () => {
    const document = { v: 1, count: 1 }
    const first = store.saveSession('snap', document)
    const second = store.saveSession('snap', { ...document })
    document.count = 2
    await Promise.all([first, second])
    expect(await store.loadSessions()).toEqual([{ v: 1, count: 1 }])
  })

  it('keeps call order between saves and deletes of one id', async () => {
    await Promise.all([store.saveSession('x', { v: 1 }), store.deleteSession('x'), store.saveSession('x', { v: 2 })])
    expect(await store.loadSessions()).toEqual([{ v: 2 }])
    await Promise.all([store.saveSession('y', { v: 1 }), store.deleteSession('y')])
    expect(await store.sessionIds()).toEqual(['x'])
  })

  it('skips corrupt and missing documents with a warning instead of failing', async () => {
    await store.saveSession('good', { v: 1 })
    await redis.set(`${prefix}:session:torn`, '{"v": 1, "na')
    await redis.sadd(`${prefix}:sessions`, 'torn', 'gone')
    expect(await store.loadSessions()).toEqual([{ v: 1 }])
    expect(store.warnings).toHaveLength(2)
    expect(store.warnings.join('\n')).toContain(`${prefix}:session:torn`)
    expect(store.warnings.join('\n')).toContain(`${prefix}:session:gone`)
    expect(await store.loadSession('torn')).toBeNull()
  })

  it('rejects ids that are not safe keys', async () => {
    await expect(store.saveSession('../escape', {})).rejects.toThrow(/invalid document id/)
    await expect(store.saveExperiment('', '{}')).rejects.toThrow(RangeError)
    await expect(store.deleteSession('a'.repeat(65))).rejects.toThrow(RangeError)
  })

  it('waits for pending writes on close, then refuses new ones', async () => {
    const pending = store.saveExperiment('late', '{"v":1}')
    await store.close()
    await expect(pending).resolves.toBeUndefined()
    expect(await redis.exists(`${prefix}:experiment:late`)).toBe(1)
    await expect(store.saveExperiment('after', '{"v":1}')).rejects.toBeInstanceOf(StoreError)
  })

  it('reports an unreachable Redis as a StoreError naming the operation', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null }).on('error', () => undefined)
    const broken = new RedisSessionStore(dead)
    try {
      await expect(broken.saveSession('s', { v: 1 })).rejects.toMatchObject({ name: 'StoreError', code: 'IO' })
      await expect(broken.loadSessions()).rejects.toThrow(/cannot list pbft:sessions in Redis/)
    } finally {
      await broken.close()
      dead.disconnect()
    }
  })
})

describe('RedisSessionStore fenced by session leases', () => {
  let server: RedisServer
  let redis: Redis

  beforeAll(async () => {
    server = await startRedisServer()
    redis = server.client()
  }, 15_000)

  afterAll(async () => {
    redis?.disconnect()
    await server?.stop()
  })

  it('writes while the lease is its own or free, and refuses once another process holds it', async () => {
    const store = new RedisSessionStore(redis, { keyPrefix: 'f', fence: { leaseKey: (id) => `f:lease:${id}`, owner: 'me' } })
    await store.saveSession('s', { v: 1, n: 1 })
    await redis.set('f:lease:s', 'me')
    await store.saveSession('s', { v: 1, n: 2 })
    await redis.set('f:lease:s', 'someone-else')
    await expect(store.saveSession('s', { v: 1, n: 3 })).rejects.toMatchObject({ name: 'StoreError', message: expect.stringMatching(/held by someone-else/) })
    await expect(store.deleteSession('s')).rejects.toBeInstanceOf(StoreError)
    expect(await store.loadSessions()).toEqual([{ v: 1, n: 2 }])
    // Experiments have no owner: never fenced.
    await store.saveExperiment('s', '{"v":1}')
    await redis.del('f:lease:s')
    await store.deleteSession('s')
    expect(await store.sessionIds()).toEqual([])
    await store.close()
  })
})
