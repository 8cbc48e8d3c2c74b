import type { Redis } from 'ioredis'
import { checkDocumentId } from './fileSessionStore'
import { CoalescingQueue, serialise, type StoreOperation } from './coalescingQueue'
import { firstLine, HEAD_READ_BYTES, StoreError, type ExperimentHeadText, type SessionStore } from './sessionStore'

export interface RedisSessionStoreOptions {
  /** Prefix of every key (default `pbft`): `<prefix>:session:<id>`, `<prefix>:sessions`, … */
  keyPrefix?: string
  /** Whether `close()` also closes the client (default false: whoever made the client closes it). */
  ownsClient?: boolean
  /**
   * Cluster mode: session writes are refused while another process holds the session's lease
   * (`leaseKey(id)` holds a value other than `owner`), so a stalled former owner can never
   * overwrite what the new owner saved.
   */
  fence?: { leaseKey: (id: string) => string; owner: string }
  /**
   * Session documents expire this long after their last save (SESSION_TTL_DAYS; PX on the
   * key). Unset: they are kept until deleted.
   */
  sessionTtlMs?: number
}

/** A fenced write or delete: the document and the id set change together, unless the lease is someone else's. */
const FENCED = `
local holder = redis.call('get', KEYS[3])
if holder and holder ~= ARGV[4] then
  return redis.error_reply('FENCED the lease of ' .. ARGV[2] .. ' is held by ' .. holder)
end
if ARGV[1] == 'write' then
  if ARGV[5] ~= '' then
    redis.call('set', KEYS[1], ARGV[3], 'PX', ARGV[5])
  else
    redis.call('set', KEYS[1], ARGV[3])
  end
  redis.call('sadd', KEYS[2], ARGV[2])
else
  redis.call('del', KEYS[1])
  redis.call('srem', KEYS[2], ARGV[2])
end
return 1`

/** One stored document: its kind, its id and its Redis key. */
interface KeyTarget {
  kind: Kind
  id: string
  key: string
}

interface Kind {
  /** `session` or `experiment`: documents live under `<prefix>:<kind>:<id>`. */
  name: string
  /** The set of ids of this kind. */
  index: string
}

/** How many documents one MGET asks for. */
const LOAD_BATCH = 500

/**
 * The store of a cluster (REDIS_URL): each document is a JSON string under
 * `pbft:session:<id>` / `pbft:experiment:<id>`, and the sets `pbft:sessions` /
 * `pbft:experiments` list the ids. A save or delete changes the document and the set in one
 * MULTI (a Lua script when fenced by a lease), so a reader never sees one without the other. Saves to one key are serialised and
 * coalesced exactly like the file store's: while a write is in flight only the newest waiting
 * document is kept, and every caller resolves once its document, or a newer one, is stored.
 */
export class RedisSessionStore implements SessionStore {
  /** Documents skipped on load (corrupt JSON, missing), for people: the store never crashes on them. */
  readonly warnings: string[] = []
  private readonly queue = new CoalescingQueue<KeyTarget>((target, operation) => this.perform(target, operation))
  private readonly prefix: string
  private readonly sessions: Kind
  private readonly experiments: Kind
  private closed = false

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisSessionStoreOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? 'pbft'
    this.sessions = { name: 'session', index: `${this.prefix}:sessions` }
    this.experiments = { name: 'experiment', index: `${this.prefix}:experiments` }
  }

  /** The key of a session document (the lease and forwarding code use the same naming). */
  sessionKey(id: string): string {
    return this.key(this.sessions, id)
  }

  loadSessions(): Promise<unknown[]> {
    return this.loadAll(this.sessions)
  }

  /** One session document, or null when there is none (or it is corrupt: see `warnings`). */
  async loadSession(id: string): Promise<unknown> {
    checkDocumentId(id)
    const key = this.sessionKey(id)
    const data = await this.command(`read ${key}`, () => this.redis.get(key))
    return data === null ? null : this.parse(key, data)
  }

  /** Takes an id whose document expired (SESSION_TTL_DAYS) out of the set of session ids. */
  async forgetExpired(id: string): Promise<void> {
    checkDocumentId(id)
    const key = this.sessionKey(id)
    await this.command(`forget ${key}`, async () => {
      if ((await this.redis.exists(key)) === 0) await this.redis.srem(this.sessions.index, id)
    })
  }

  /** The ids of every stored session. */
  async sessionIds(): Promise<string[]> {
    return (await this.command(`list ${this.sessions.index}`, () => this.redis.smembers(this.sessions.index))).sort()
  }

  async saveSession(id: string, document: unknown): Promise<void> {
    return this.enqueue(this.sessions, id, { kind: 'write', data: serialise(document) })
  }

  async deleteSession(id: string): Promise<void> {
    return this.enqueue(this.sessions, id, { kind: 'delete' })
  }

  /** The first line of every experiment document: a GETRANGE of its first bytes (all of it when that holds no line break). */
  async loadExperimentHeads(): Promise<ExperimentHeadText[]> {
    const kind = this.experiments
    const ids = (await this.command(`list ${kind.index}`, () => this.redis.smembers(kind.index))).sort()
    const heads: ExperimentHeadText[] = []
    for (let start = 0; start < ids.length; start += LOAD_BATCH) {
      const batch = ids.slice(start, start + LOAD_BATCH)
      const pipeline = this.redis.pipeline()
      for (const id of batch) pipeline.getrange(this.key(kind, id), 0, HEAD_READ_BYTES - 1)
      const replies = await this.command(`read ${batch.length} experiment heads`, async () => (await pipeline.exec()) ?? [])
      for (const [i, id] of batch.entries()) {
        const [error, value] = replies[i] ?? [new Error('no reply'), null]
        const key = this.key(kind, id)
        if (error !== null || typeof value !== 'string' || value === '') {
          this.warnings.push(`skipped ${key}: ${error ? error.message : `listed in ${kind.index} but missing`}`)
          continue
        }
        const whole = value.includes('\n') || Buffer.byteLength(value) < HEAD_READ_BYTES ? value : await this.loadExperiment(id)
        if (whole !== null) heads.push({ id, head: firstLine(whole) })
      }
    }
    return heads
  }

  /** One experiment document's text, or null when there is none. */
  async loadExperiment(id: string): Promise<string | null> {
    checkDocumentId(id)
    const key = this.key(this.experiments, id)
    return this.command(`read ${key}`, () => this.redis.get(key))
  }

  async saveExperiment(id: string, text: string): Promise<void> {
    return this.enqueue(this.experiments, id, { kind: 'write', data: text })
  }

  async deleteExperiment(id: string): Promise<void> {
    return this.enqueue(this.experiments, id, { kind: 'delete' })
  }

  /** Refuses new work and resolves once every queued write has settled. */
  async close(): Promise<void> {
    this.closed = true
    await this.queue.whenIdle()
    if (this.options.ownsClient) await this.redis.quit().catch(() => undefined)
  }

  private key(kind: Kind, id: string): string {
    return `${this.prefix}:${kind.name}:${id}`
  }

  private async loadAll(kind: Kind): Promise<unknown[]> {
    const ids = (await this.command(`list ${kind.index}`, () => this.redis.smembers(kind.index))).sort()
    const documents: unknown[] = []
    for (let start = 0; start < ids.length; start += LOAD_BATCH) {
      const keys = ids.slice(start, start + LOAD_BATCH).map((id) => this.key(kind, id))
      const values = await this.command(`read ${keys.length} documents`, () => this.redis.mget(keys))
      values.forEach((data, i) => {
        const key = keys[i] ?? '?'
        if (data === null) {
          this.warnings.push(`skipped ${key}: listed in ${kind.index} but missing`)
          return
        }
        const document = this.parse(key, data)
        if (document !== null) documents.push(document)
      })
    }
    return documents
  }

  private parse(key: string, data: string): unknown {
    try {
      return JSON.parse(data) as unknown
    } catch (error) {
      this.warnings.push(`skipped ${key}: ${error instanceof Error ? error.message : String(error)}`)
      return null
    }
  }

  /** Runs a Redis call, turning its failure into a StoreError that says what and where. */
  private async command<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      throw new StoreError(`cannot ${action} in Redis: ${error instanceof Error ? error.message : String(error)}`, 'IO', { cause: error })
    }
  }

  private enqueue(kind: Kind, id: string, operation: StoreOperation): Promise<void> {
    checkDocumentId(id)
    if (this.closed) throw new StoreError('the Redis store is closed', 'IO')
    const key = this.key(kind, id)
    return this.queue.enqueue(key, { kind, id, key }, operation)
  }

  /** One write or delete: the document and its id set together (fenced by the lease for sessions). */
  private perform({ kind, id, key }: KeyTarget, operation: StoreOperation): Promise<void> {
    return this.command(`${operation.kind} ${key}`, async () => {
      const fence = kind === this.sessions ? this.options.fence : undefined
      const ttl = kind === this.sessions ? this.options.sessionTtlMs : undefined
      if (fence) {
        const data = operation.kind === 'write' ? operation.data : ''
        await this.redis.eval(FENCED, 3, key, kind.index, fence.leaseKey(id), operation.kind, id, data, fence.owner, ttl === undefined ? '' : String(ttl))
        return
      }
      const multi = this.redis.multi()
      if (operation.kind === 'write' && ttl !== undefined) multi.set(key, operation.data, 'PX', ttl).sadd(kind.index, id)
      else if (operation.kind === 'write') multi.set(key, operation.data).sadd(kind.index, id)
      else multi.del(key).srem(kind.index, id)
      const results = await multi.exec()
      const failed = results?.find(([error]) => error !== null)?.[0]
      if (results === null) throw new Error('the transaction was aborted')
      if (failed) throw failed
    })
  }
}
