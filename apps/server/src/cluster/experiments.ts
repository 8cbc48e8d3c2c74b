import { EXPERIMENT_API_LIMITS, ExperimentSummary, type ExperimentRecord } from '@pbft/protocol'
import type { Redis } from 'ioredis'
import { DomainError } from '../errors/domainError'
import type { ExperimentService } from '../experiments/experimentService'
import type { ExperimentPeers, ExperimentRegistry } from '../experiments/peers'
import { checkCancelToken, summarise } from '../experiments/records'
import { decodeDocument, documentText, encodeRecord, ExperimentTextError, type DecodedDocument } from '../experiments/recordText'
import type { RedisSessionStore } from '../store/redisSessionStore'
import { RpcTimeoutError, UnreachableError } from './rpc'

/** What one instance asks the instance running an experiment. */
export interface ExperimentCall {
  kind: 'experiment'
  op: 'get' | 'cancel'
  id: string
  /** The caller's cancel token (op 'cancel'): the instance running it checks it. */
  token?: string
}

/** The answer: the record (null: not running there). A refused cancel (401, 403, 404, 409) comes back as its DomainError. */
interface ExperimentAnswer {
  record: ExperimentRecord | null
}

export interface ClusterExperimentsOptions {
  keyPrefix: string
  instanceId: string
  /** How long an owner key lives without renewal (the lease TTL); renewed every third of it. */
  ttlMs: number
  /** Sends a request to another instance (the cluster's RPC); UnreachableError when it is gone. */
  call: (target: string, request: ExperimentCall) => Promise<unknown>
  log: { info(message: string): void; warn(message: string): void }
}

/** Experiment ids (the same rule as the routes'): a key suffix is only ever one of these. */
const EXPERIMENT_ID = /^[A-Za-z0-9_-]{1,64}$/
/** Rows kept in the shared list index: no list asks for more. */
const INDEXED = EXPERIMENT_API_LIMITS.maxListed

/**
 * Experiments in a cluster. A run stays on the instance that received its POST (its worker
 * threads); Redis says where it runs and what every instance started:
 *
 * - `<prefix>:experiment-owner:<id>` → instanceId while it runs (expires after the lease TTL,
 *   renewed every third of it, deleted once its final document is stored);
 * - `<prefix>:experiments-running` (hash id → instanceId): runs that have not settled, so that a
 *   run whose owner died is found and stored as failed (`reap`);
 * - `<prefix>:experiment-index` (sorted set by creation time) and `<prefix>:experiment-summaries`
 *   (hash id → list row): the newest rows of every instance, for `GET /api/experiments`.
 *
 * An instance asked about an id it does not hold forwards the question to the owner over the
 * cluster RPC; without a live owner it reads the store, where a document still `running` means
 * that its owner died: it is answered (and soon stored) as failed. Built before the experiment
 * service (which registers its runs here); the cluster passes the service to `answer`.
 */
export class ClusterExperiments implements ExperimentRegistry, ExperimentPeers {
  /** This instance's runs: the records the service updates in place (progress). */
  private readonly mine = new Map<string, ExperimentRecord>()
  private timer: NodeJS.Timeout | null = null
  private reaper: NodeJS.Timeout | null = null
  private reaping = false
  private dead = false

  constructor(
    private readonly redis: Redis,
    private readonly store: RedisSessionStore,
    private readonly options: ClusterExperimentsOptions,
  ) {}

  private ownerKey(id: string): string {
    return `${this.options.keyPrefix}:experiment-owner:${id}`
  }

  private get runningKey(): string {
    return `${this.options.keyPrefix}:experiments-running`
  }

  private get indexKey(): string {
    return `${this.options.keyPrefix}:experiment-index`
  }

  private get summariesKey(): string {
    return `${this.options.keyPrefix}:experiment-summaries`
  }

  private reapKey(id: string): string {
    return `${this.options.keyPrefix}:experiment-reap:${id}`
  }

  /** Starts renewing this instance's runs (every third of the TTL) and reaping dead instances' (every TTL). */
  start(): void {
    this.timer ??= setInterval(() => void this.renew(), Math.max(10, Math.floor(this.options.ttlMs / 3)))
    this.reaper ??= setInterval(() => void this.reap(), this.options.ttlMs)
  }

  /** Clean shutdown: renewals stop; runs still settling remove their keys as they end. */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    if (this.reaper) clearInterval(this.reaper)
    this.timer = null
    this.reaper = null
  }

  /** Tests (a process that died): nothing more is written; the owner keys expire. */
  crash(): void {
    this.dead = true
    this.stop()
  }

  // ---- registry (the local ExperimentService) --------------------------------------------

  async runningElsewhere(ids: string[]): Promise<Set<string>> {
    const owners = await this.redis.mget(ids.map((id) => this.ownerKey(id)))
    return new Set(ids.filter((_, i) => owners[i] !== null && owners[i] !== undefined && owners[i] !== this.options.instanceId))
  }

  async started(record: ExperimentRecord): Promise<void> {
    this.mine.set(record.id, record)
    const { id } = record
    await exec(
      this.redis
        .multi()
        .set(this.ownerKey(id), this.options.instanceId, 'PX', this.options.ttlMs)
        .hset(this.runningKey, id, this.options.instanceId)
        .zadd(this.indexKey, Date.parse(record.createdAt), id)
        .hset(this.summariesKey, id, JSON.stringify(summarise(record))),
    )
  }

  settled(record: ExperimentRecord): void {
    if (!this.mine.delete(record.id) || this.dead) return
    const { id } = record
    // After the final document was stored (the service calls this then): whoever misses the
    // owner key from now on reads the final record from the store.
    exec(this.redis.multi().hset(this.summariesKey, id, JSON.stringify(summarise(record))).hdel(this.runningKey, id).del(this.ownerKey(id)))
      .then(() => this.trim())
      .catch((error: unknown) => this.options.log.warn(`could not unregister experiment ${id}: ${message(error)}`))
  }

  withdrawn(id: string): void {
    if (!this.mine.delete(id) || this.dead) return
    // Best effort (Redis may be what failed): whatever was written must not be renewed or listed.
    exec(this.redis.multi().del(this.ownerKey(id)).hdel(this.runningKey, id).zrem(this.indexKey, id).hdel(this.summariesKey, id)).catch((error: unknown) =>
      this.options.log.warn(`could not withdraw experiment ${id}: ${message(error)}`),
    )
  }

  /** Extends the owner keys of this instance's runs and refreshes their list rows (progress). */
  private async renew(): Promise<void> {
    if (this.dead || this.mine.size === 0) return
    const pipeline = this.redis.pipeline()
    for (const [id, record] of this.mine) {
      pipeline
        .set(this.ownerKey(id), this.options.instanceId, 'PX', this.options.ttlMs)
        .hset(this.runningKey, id, this.options.instanceId)
        .hset(this.summariesKey, id, JSON.stringify(summarise(record)))
    }
    await pipeline.exec().catch((error: unknown) => this.options.log.warn(`experiment renewal failed: ${message(error)}`))
  }

  /** Keeps the newest INDEXED rows of the shared list. */
  private async trim(): Promise<void> {
    const extra = (await this.redis.zcard(this.indexKey)) - INDEXED
    if (extra <= 0) return
    const old = await this.redis.zrange(this.indexKey, 0, extra - 1)
    if (old.length > 0) await exec(this.redis.multi().zrem(this.indexKey, ...old).hdel(this.summariesKey, ...old))
  }

  // ---- forwarded requests (this instance runs the experiment) ----------------------------

  /**
   * Answers another instance's question about an experiment this instance may be running. One
   * that ended and whose final document is stored is answered null: the store has it.
   */
  answer(request: ExperimentCall, service: ExperimentService): ExperimentAnswer {
    if (!EXPERIMENT_ID.test(request.id) || !service.has(request.id)) return { record: null }
    // Until its final document is stored (`settled`), a run that just ended is answered from memory.
    if (request.op === 'get') return { record: service.get(request.id) ?? this.mine.get(request.id) ?? null }
    return { record: service.cancel(request.id, typeof request.token === 'string' ? request.token : undefined) }
  }

  // ---- peers (the routes, for ids this instance does not hold) ---------------------------

  get(id: string): Promise<ExperimentRecord | undefined> {
    return this.storage(async () => {
      const answer = await this.askOwner(id, 'get')
      if (answer?.record) return answer.record
      return (await this.fromStore(id))?.record
    })
  }

  cancel(id: string, token: string | undefined): Promise<ExperimentRecord> {
    return this.storage(() => this.cancelSomewhere(id, token))
  }

  list(limit: number, local: ExperimentSummary[]): Promise<ExperimentSummary[]> {
    return this.storage(() => this.listAll(limit, local))
  }

  /**
   * Runs a peer request; Redis trouble (down, or its retries exhausted) is a 503 STORAGE the
   * client can retry, not an internal error. Refusals (404, 409 …) pass through.
   */
  private async storage<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request()
    } catch (error) {
      if (error instanceof DomainError) throw error
      throw new DomainError('STORAGE', `the experiments store (Redis) cannot be reached: ${message(error)}; try again`)
    }
  }

  private async cancelSomewhere(id: string, token: string | undefined): Promise<ExperimentRecord> {
    const answer = await this.askOwner(id, 'cancel', token)
    if (answer?.record) return answer.record
    // Nobody runs it: the same rules as a local record (its token, then: a finished one is a conflict).
    const stored = await this.fromStore(id)
    if (!stored) throw new DomainError('NOT_FOUND', `no experiment ${id}`)
    checkCancelToken(token, stored.head.cancelTokenHash)
    if (stored.record.status !== 'cancelled') throw new DomainError('CONFLICT', `experiment ${id} is already ${stored.record.status}`)
    return stored.record
  }

  private async listAll(limit: number, local: ExperimentSummary[]): Promise<ExperimentSummary[]> {
    const ids = await this.redis.zrevrange(this.indexKey, 0, limit - 1)
    const rows = ids.length === 0 ? [] : await this.redis.hmget(this.summariesKey, ...ids)
    const known = new Set(local.map((row) => row.id))
    const remote: ExperimentSummary[] = []
    for (const raw of rows) {
      if (raw === null) continue
      const parsed = ExperimentSummary.safeParse(parseJson(raw))
      if (parsed.success && !known.has(parsed.data.id)) remote.push(parsed.data)
    }
    // A row still `running` whose owner key is gone belongs to a dead instance.
    const running = remote.filter((row) => row.status === 'running')
    if (running.length > 0) {
      const owners = await this.redis.mget(running.map((row) => this.ownerKey(row.id)))
      running.forEach((row, i) => {
        if (owners[i] === null) row.status = 'failed'
      })
    }
    return [...local, ...remote].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)).slice(0, limit)
  }

  /** The owner's answer, or null when no other live instance runs it. */
  private async askOwner(id: string, op: ExperimentCall['op'], token?: string): Promise<ExperimentAnswer | null> {
    const owner = await this.redis.get(this.ownerKey(id))
    if (owner === null || owner === this.options.instanceId) return null
    try {
      return (await this.options.call(owner, { kind: 'experiment', op, id, ...(token === undefined ? {} : { token }) })) as ExperimentAnswer
    } catch (error) {
      if (error instanceof UnreachableError) return null
      if (error instanceof RpcTimeoutError) {
        throw new DomainError('UNAVAILABLE', `the server running experiment ${id} (${owner}) did not answer in time; try again`)
      }
      throw error
    }
  }

  /** The stored document (checked in slices); one still `running` there has no live owner any more: it failed. */
  private async fromStore(id: string): Promise<DecodedDocument | undefined> {
    const stored = await this.decode(id)
    if (stored === undefined || stored.record.status !== 'running') return stored
    return { ...stored, record: { ...stored.record, status: 'failed', error: orphaned(await this.redis.hget(this.runningKey, id)) } }
  }

  /** A stored document, or undefined when there is none or it is damaged (logged). */
  private async decode(id: string): Promise<DecodedDocument | undefined> {
    const text = await this.store.loadExperiment(id)
    if (text === null) return undefined
    try {
      return await decodeDocument(text)
    } catch (error) {
      if (!(error instanceof ExperimentTextError)) throw error
      this.options.log.warn(`stored experiment ${id} cannot be read: ${error.message}`)
      return undefined
    }
  }

  /**
   * Stores as failed the runs whose owner died (its key expired before they settled), so that
   * every instance, and every restart, agrees on them. One instance does each (a short lock).
   */
  async reap(): Promise<void> {
    if (this.dead || this.reaping) return
    this.reaping = true
    try {
      const running = await this.redis.hgetall(this.runningKey)
      const ids = Object.keys(running).filter((id) => !this.mine.has(id) && EXPERIMENT_ID.test(id))
      if (ids.length === 0) return
      const owners = await this.redis.mget(ids.map((id) => this.ownerKey(id)))
      for (const [i, id] of ids.entries()) {
        if (owners[i] !== null || this.dead) continue
        if ((await this.redis.set(this.reapKey(id), this.options.instanceId, 'PX', this.options.ttlMs, 'NX')) !== 'OK') continue
        const owner = running[id] ?? null
        const stored = await this.decode(id)
        if (stored?.record.status === 'running') {
          const record: ExperimentRecord = { ...stored.record, status: 'failed', error: orphaned(owner), finishedAt: new Date().toISOString() }
          await this.store.saveExperiment(id, documentText(await encodeRecord(record), stored.head.cancelTokenHash))
          if ((await this.redis.zscore(this.indexKey, id)) !== null) await this.redis.hset(this.summariesKey, id, JSON.stringify(summarise(record)))
          this.options.log.info(`experiment ${id} failed: its server ${owner ?? '?'} stopped before it finished`)
        }
        // Unless its owner came back meanwhile (a Redis stall, not a death): it re-registers then.
        if ((await this.redis.get(this.ownerKey(id))) === null) await this.redis.hdel(this.runningKey, id)
      }
    } catch (error) {
      this.options.log.warn(`experiment scan failed: ${message(error)}`)
    } finally {
      this.reaping = false
    }
  }
}

/** The error of a run whose server died. */
function orphaned(owner: string | null): string {
  return `the server running it${owner ? ` (${owner})` : ''} stopped before it finished`
}

async function exec(multi: ReturnType<Redis['multi']>): Promise<void> {
  const results = await multi.exec()
  if (results === null) throw new Error('the transaction was aborted')
  const failed = results.find(([error]) => error !== null)?.[0]
  if (failed) throw failed
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return null
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
