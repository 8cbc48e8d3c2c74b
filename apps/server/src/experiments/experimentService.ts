import { defaultWorkerCount, runSweep } from '@pbft/engine/node'
import { DEFAULT_QUORUM_RULE, type ExperimentConfig, type ExperimentPoint, type ExperimentRecord, type ExperimentSummary, type QuorumRule } from '@pbft/protocol'
import { DomainError } from '../errors/domainError'
import type { ExperimentRegistry } from './peers'
import { hashToken, newToken } from '../sessions/tokens'
import { ExperimentArchive, type ArchiveOptions } from './archive'
import { recordOfHead } from './recordText'
import { checkCancelToken, newExperimentId, summarise, toExperimentPoint } from './records'
import { mapInSlices, yieldToEventLoop } from './slices'
import { readEngineVersion } from './versions'

/** Where progress goes (the socket gateway forwards it to room `experiment:<id>`). */
export interface ExperimentEvents {
  /** Rounds done so far: monotone, throttled, and always sent once with done = total. */
  progress(id: string, done: number, total: number): void
  /** The final record, for every outcome: done, cancelled or failed. */
  finished(id: string, record: ExperimentRecord): void
}

export interface ExperimentServiceOptions extends Pick<ArchiveOptions, 'store' | 'maxKept' | 'answerCacheBytes'> {
  /** The server's version, stamped on every record. */
  appVersion: string
  events?: ExperimentEvents
  /** Experiments running at once; more answer 429 BUSY. Default 2 (one per core here). */
  maxRunning?: number
  /** Experiments one client address may have running at once (default 1; null: no limit). */
  runningPerClient?: number | null
  /** Worker threads per experiment; default `defaultWorkerCount()`. */
  workers?: number
  /**
   * Sweeps estimated below this much work (PRNG draws, set-up included; ~10 ms here) run on the
   * event loop, in slices: starting a worker costs ~200 ms. Anything larger goes to worker threads.
   */
  inThreadMaxDraws?: number
  /** Least time between two progress events of one experiment. */
  progressIntervalMs?: number
  /** Cluster mode (REDIS_URL): makes this instance's runs findable by the others. */
  registry?: ExperimentRegistry
  log?: { warn(message: string): void }
}

/** What `start` answers: the record, and the token that cancels it (shown once, kept as a hash). */
export interface StartedExperiment {
  record: ExperimentRecord
  cancelToken: string
}

const NO_EVENTS: ExperimentEvents = { progress: () => undefined, finished: () => undefined }
/** The error of a record a dead server left running. */
export const RESTARTED = 'server restarted before the experiment finished'

interface RunningExperiment {
  record: ExperimentRecord
  cancelTokenHash: string
  /** The address that started it (one running experiment per address). */
  client: string
  controller: AbortController
  startedAt: number
  lastProgressAt: number
  run: Promise<void>
}

type Outcome = { status: 'done'; results: ExperimentPoint[] } | { status: 'cancelled' | 'failed'; error: string }

/**
 * Runs Monte-Carlo sweeps off the event loop and keeps their records (ExperimentArchive). A run
 * is acknowledged only once its record is stored, so a crash can never lose it: a record found
 * `running` on start-up belonged to a server that died and is stored as failed.
 */
export class ExperimentService {
  /** Where progress and final records go (the socket server's rooms), given when the service opens. */
  private readonly events: ExperimentEvents
  /** Stored documents skipped on load, for people. */
  readonly warnings: string[] = []
  readonly engineVersion = readEngineVersion()
  private archive!: ExperimentArchive
  private readonly running = new Map<string, RunningExperiment>()
  private readonly saves = new Set<Promise<void>>()
  private closing = false

  private constructor(private readonly options: ExperimentServiceOptions) {
    this.events = options.events ?? NO_EVENTS
  }

  /**
   * Reads the kept experiments' heads and stores as failed those a dead server left running
   * (in a cluster, those another live instance is running are its to answer for).
   */
  static async open(options: ExperimentServiceOptions): Promise<ExperimentService> {
    const service = new ExperimentService(options)
    service.archive = await ExperimentArchive.open({ ...options, warn: (message) => service.warn(message) })
    const stale = [...service.archive.all()].filter((head) => head.status === 'running')
    const ids = stale.map((head) => head.id)
    const elsewhere = options.registry && ids.length > 0 ? await options.registry.runningElsewhere(ids) : new Set<string>()
    for (const head of stale) {
      if (elsewhere.has(head.id)) {
        service.archive.drop(head.id)
        continue
      }
      const failed: ExperimentRecord = { ...recordOfHead(head), status: 'failed', error: RESTARTED, finishedAt: new Date().toISOString() }
      // Never rejects (a failing disk is logged); awaited below through `saves`.
      void service.persist(failed, head.cancelTokenHash)
    }
    // Serve only once those verdicts are on disk, not while they are in flight.
    await Promise.all(service.saves)
    service.archive.trim()
    return service
  }

  /**
   * Starts a sweep (validated by `ExperimentRequest`) for `client`; resolves once its record is
   * durable (and, in a cluster, findable), then the run continues in the background. A store
   * that fails refuses it with 503 STORAGE, nothing left behind.
   */
  async start(config: ExperimentConfig, client: string): Promise<StartedExperiment> {
    if (this.closing) throw new DomainError('UNAVAILABLE', 'the server is shutting down')
    const maxRunning = this.options.maxRunning ?? 2
    if (this.running.size >= maxRunning) {
      throw new DomainError('EXPERIMENTS_FULL', `${this.running.size} experiments are running, the most at once; try again when one finishes or cancel one`)
    }
    const perClient = this.options.runningPerClient === undefined ? 1 : this.options.runningPerClient
    const mine = [...this.running.values()].filter((entry) => entry.client === client)
    if (perClient !== null && mine.length >= perClient) {
      const ids = mine.map((entry) => entry.record.id).join(', ')
      throw new DomainError('EXPERIMENT_LIMIT', `this address already runs experiment ${ids}, the most at once; wait for it to finish or cancel it`)
    }
    const cancelToken = newToken()
    const entry: RunningExperiment = {
      record: {
        id: newExperimentId(),
        status: 'running',
        config,
        progress: { done: 0, total: config.nodes.length * config.p.length * rulesOf(config).length * config.rounds },
        createdAt: new Date().toISOString(),
        appVersion: this.options.appVersion,
        engineVersion: this.engineVersion,
      },
      cancelTokenHash: hashToken(cancelToken),
      client,
      controller: new AbortController(),
      startedAt: performance.now(),
      lastProgressAt: 0,
      run: Promise.resolve(),
    }
    const { record } = entry
    // The slot is taken before anything is awaited, so concurrent requests cannot overshoot.
    this.running.set(record.id, entry)
    // Both settle before any clean-up, so that nothing is written after it.
    const outcomes = await Promise.allSettled([this.archive.save(record, entry.cancelTokenHash), this.options.registry?.started(record)])
    const failure = outcomes.find((outcome) => outcome.status === 'rejected')
    if (failure) {
      const error: unknown = failure.reason
      this.running.delete(record.id)
      this.archive.drop(record.id)
      this.options.store.deleteExperiment(record.id).catch(() => undefined)
      this.safely(() => this.options.registry?.withdrawn(record.id))
      throw new DomainError('STORAGE', `the server could not store the experiment (${describe(error)}); nothing was started`)
    }
    // Closed while the record was being stored: close() has stored it as failed.
    if (record.status !== 'running') throw new DomainError('UNAVAILABLE', 'the server is shutting down')
    this.archive.trim()
    entry.run = this.run(entry)
    return { record, cancelToken }
  }

  /** The record of an experiment running here (progress changes as it runs), if any. */
  get(id: string): ExperimentRecord | undefined {
    return this.running.get(id)?.record
  }

  /** Whether this instance holds the experiment's record. */
  has(id: string): boolean {
    return this.running.has(id) || this.archive.has(id)
  }

  /** The answer (JSON bytes) of a kept experiment not running here; undefined when not kept. */
  answer(id: string): Promise<Buffer | undefined> {
    return this.archive.answer(id)
  }

  /** Whether answering `id` costs no store read and no encoding (see ExperimentArchive.isCheap). */
  isCheap(id: string): boolean {
    return this.running.has(id) || this.archive.isCheap(id) || this.archive.cached(id) !== undefined
  }

  /** The cached answer of another server's finished experiment, if any. */
  cachedAnswer(id: string): Buffer | undefined {
    return this.archive.cached(id)
  }

  /** The answer of another server's record; a done one is cached (it never changes). */
  foreignAnswer(record: ExperimentRecord): Promise<Buffer> {
    return this.archive.keepForeign(record)
  }

  /** Newest first; running experiments with their live progress. */
  list(limit: number): ExperimentSummary[] {
    const rows: ExperimentSummary[] = []
    for (const head of [...this.archive.all()].reverse()) {
      if (rows.length >= limit) break
      rows.push(summarise(this.running.get(head.id)?.record ?? head))
    }
    return rows
  }

  /**
   * Stops a running experiment. Needs its cancel token (401 without, 403 wrong); cancelling a
   * cancelled one is a no-op, a finished one a conflict.
   */
  cancel(id: string, token: string | undefined): ExperimentRecord {
    const entry = this.running.get(id)
    const head = this.archive.head(id)
    if (!entry && !head) throw new DomainError('NOT_FOUND', `no experiment ${id}`)
    checkCancelToken(token, entry?.cancelTokenHash ?? head?.cancelTokenHash)
    if (entry) {
      this.settle(entry, { status: 'cancelled', error: 'cancelled by request' })
      entry.controller.abort(new Error('cancelled by request'))
      return entry.record
    }
    if (head?.status !== 'cancelled') throw new DomainError('CONFLICT', `experiment ${id} is already ${head?.status ?? 'gone'}`)
    return recordOfHead(head)
  }

  /**
   * Stops every running experiment (stored as failed: 'server stopped') and waits for their
   * threads to wind down and for every save to be handed to the store. Close the store after.
   */
  async close(): Promise<void> {
    this.closing = true
    const runs = [...this.running.values()].map((entry) => {
      this.settle(entry, { status: 'failed', error: 'server stopped' })
      entry.controller.abort(new Error('server stopped'))
      return entry.run
    })
    await Promise.all(runs)
    await Promise.all(this.saves)
  }

  private async run(entry: RunningExperiment): Promise<void> {
    const { record, controller } = entry
    const { signal } = controller
    const { nodes, p: ps, rounds, seed } = record.config
    const rules = rulesOf(record.config)
    try {
      // Let the POST be answered before any work, even work small enough for this thread.
      await yieldToEventLoop()
      signal.throwIfAborted()
      // One sweep per rule, with the same seed: each rule's rows equal `pbft sweep
      // --quorum-rule <rule>`, and both rules see the same link draws (a paired comparison).
      const results: ExperimentPoint[] = []
      const perRule = nodes.length * ps.length * rounds
      for (const [index, quorumRule] of rules.entries()) {
        const points = await runSweep({
          nodes,
          ps,
          rounds,
          seed,
          quorumRule,
          signal,
          workers: this.options.workers ?? defaultWorkerCount(),
          // Live classrooms come first: the sweep gets the CPU they leave.
          background: true,
          parallelThreshold: this.options.inThreadMaxDraws ?? 2e6,
          // In-thread work takes turns with the server's other sliced jobs.
          pause: yieldToEventLoop,
          onProgress: (done) => this.reportProgress(entry, index * perRule + done, record.progress.total),
        })
        results.push(...(await mapInSlices(points, (point) => toExperimentPoint(point, seed), signal)))
      }
      this.settle(entry, { status: 'done', results })
    } catch (error) {
      // After a cancel or close the entry is already settled and this is ignored.
      this.settle(entry, { status: 'failed', error: describe(error) })
    }
  }

  private reportProgress(entry: RunningExperiment, done: number, total: number): void {
    if (entry.record.status !== 'running') return
    entry.record.progress = { done, total }
    const now = performance.now()
    if (done < total && now - entry.lastProgressAt < (this.options.progressIntervalMs ?? 100)) return
    entry.lastProgressAt = now
    this.safely(() => this.events.progress(entry.record.id, done, total))
  }

  /** Ends an experiment once: the first outcome wins (a cancel beats a result that arrives later). */
  private settle(entry: RunningExperiment, outcome: Outcome): void {
    const { record } = entry
    if (record.status !== 'running') return
    this.running.delete(record.id)
    record.status = outcome.status
    if (outcome.status === 'done') record.results = outcome.results
    else record.error = outcome.error
    record.finishedAt = new Date().toISOString()
    record.elapsedMs = Math.round((performance.now() - entry.startedAt) * 10) / 10
    const saved = this.persist(record, entry.cancelTokenHash)
    const { registry } = this.options
    // Only once the final document is stored: other instances then read it from the store.
    if (registry) void saved.then(() => this.safely(() => registry.settled(record)))
    // The record no longer changes: listeners get it as is (a deep copy of 10,000 points costs ~50 ms).
    this.safely(() => this.events.finished(record.id, record))
  }

  /** Saves in the background: a failing disk is logged, never allowed to break a run. */
  private persist(record: ExperimentRecord, cancelTokenHash: string | undefined): Promise<void> {
    const save = this.archive
      .save(record, cancelTokenHash)
      .catch((error: unknown) => this.warn(`could not save experiment ${record.id}: ${describe(error)}`))
      .finally(() => this.saves.delete(save))
    this.saves.add(save)
    return save
  }

  /** A listener's bug must not fail the experiment it listens to. */
  private safely(emit: () => void): void {
    try {
      emit()
    } catch (error) {
      this.warn(`an experiment event listener failed: ${describe(error)}`)
    }
  }

  private warn(message: string): void {
    this.warnings.push(message)
    if (this.warnings.length > 100) this.warnings.shift()
    this.options.log?.warn(message)
  }
}

/** The rules of a sweep: records made before rules existed ran the original one. */
function rulesOf(config: ExperimentConfig): readonly QuorumRule[] {
  return config.quorumRule ?? [DEFAULT_QUORUM_RULE]
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
