import { randomBytes } from 'node:crypto'
import { successProbability, type SweepPoint } from '@pbft/engine'
import { defaultWorkerCount, runSweep } from '@pbft/engine/node'
import {
  describeParamsError,
  EXPERIMENT_DOCUMENT_VERSION,
  ExperimentDocument,
  type ExperimentConfig,
  type ExperimentPoint,
  type ExperimentRecord,
  type ExperimentSummary,
} from '@pbft/protocol'
import { HttpError, conflict, notFound } from '../http/validation'
import type { SessionStore } from '../store/sessionStore'
import { mapInSlices, yieldToEventLoop } from './slices'
import { readEngineVersion } from './versions'

/** Where progress goes (the socket gateway forwards it to room `experiment:<id>`). */
export interface ExperimentEvents {
  /** Rounds done so far: monotone, throttled, and always sent once with done = total. */
  progress(id: string, done: number, total: number): void
  /** The final record, for every outcome: done, cancelled or failed. */
  finished(id: string, record: ExperimentRecord): void
}

export interface ExperimentServiceOptions {
  store: SessionStore
  /** The server's version, stamped on every record. */
  appVersion: string
  events?: ExperimentEvents
  /** Experiments running at once; more answer 429 BUSY. Default 2 (one per core here). */
  maxRunning?: number
  /** Worker threads per experiment; default `defaultWorkerCount()`. */
  workers?: number
  /**
   * Sweeps estimated below this many PRNG draws (~10 ms on this machine) run on the event loop:
   * starting a worker costs ~200 ms. Anything larger always goes to worker threads.
   */
  inThreadMaxDraws?: number
  /** Least time between two progress events of one experiment. */
  progressIntervalMs?: number
  /** Cluster mode (REDIS_URL): makes this instance's runs findable by the others. */
  registry?: ExperimentRegistry
  log?: { warn(message: string): void }
}

/**
 * Cluster mode: where other instances learn which instance runs an experiment (see
 * cluster/experiments.ts). Without one (a single process) every experiment is local.
 */
export interface ExperimentRegistry {
  /** Of these stored `running` experiments, those another live instance is running now: left alone on start-up. */
  runningElsewhere(ids: string[]): Promise<Set<string>>
  /** A run started here; resolves once other instances can find it (the POST waits for that). */
  started(record: ExperimentRecord): Promise<void>
  /** A run ended here and its final document was handed to the store: the store answers for it from now on. */
  settled(record: ExperimentRecord): void
}

const NO_EVENTS: ExperimentEvents = { progress: () => undefined, finished: () => undefined }

interface RunningExperiment {
  record: ExperimentRecord
  controller: AbortController
  startedAt: number
  lastProgressAt: number
  run: Promise<void>
  /** Resolves once other instances can find the run (at once without a registry). */
  findable: Promise<void>
}

type Outcome = { status: 'done'; results: ExperimentPoint[] } | { status: 'cancelled' | 'failed'; error: string }

/**
 * Runs Monte-Carlo sweeps off the event loop, keeps their records, and stores each one when it
 * starts and when it ends: a record found `running` on start-up belonged to a server that died,
 * and is reloaded as failed. Every record stays in memory (they are small next to a class's
 * sessions); listing is bounded.
 */
export class ExperimentService {
  events: ExperimentEvents
  /** Stored documents skipped on load, for people. */
  readonly warnings: string[] = []
  readonly engineVersion = readEngineVersion()
  private readonly records = new Map<string, ExperimentRecord>()
  private readonly running = new Map<string, RunningExperiment>()
  private readonly saves = new Set<Promise<void>>()
  private closing = false

  private constructor(private readonly options: ExperimentServiceOptions) {
    this.events = options.events ?? NO_EVENTS
  }

  /**
   * Loads the stored experiments, oldest first, marking those a dead server left running as
   * failed (in a cluster, those another live instance is running are skipped: it answers for them).
   */
  static async open(options: ExperimentServiceOptions): Promise<ExperimentService> {
    const service = new ExperimentService(options)
    const documents = await options.store.loadExperiments()
    const records: ExperimentRecord[] = []
    for (const document of documents) {
      const parsed = ExperimentDocument.safeParse(document)
      if (!parsed.success) {
        service.warn(`skipped a stored experiment: ${describeParamsError(parsed.error)}`)
        continue
      }
      const { v: _version, ...record } = parsed.data
      records.push(record)
    }
    records.sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    // In a cluster, experiments another instance is running are its to answer for.
    const running = records.filter((record) => record.status === 'running').map((record) => record.id)
    const elsewhere = options.registry && running.length > 0 ? await options.registry.runningElsewhere(running) : new Set<string>()
    for (const record of records) {
      if (elsewhere.has(record.id)) continue
      service.records.set(record.id, record)
      if (record.status === 'running') {
        Object.assign(record, { status: 'failed', error: 'server restarted' })
        service.persist(record)
      }
    }
    // Serve only once the "server restarted" verdicts are on disk, not while they are in flight.
    await Promise.all(service.saves)
    return service
  }

  /** Starts a sweep (validated by `ExperimentRequest`) and answers at once; the run continues in the background. */
  start(config: ExperimentConfig): ExperimentRecord {
    if (this.closing) throw new HttpError(503, 'UNAVAILABLE', 'the server is shutting down')
    const maxRunning = this.options.maxRunning ?? 2
    if (this.running.size >= maxRunning) {
      throw new HttpError(429, 'BUSY', `${this.running.size} experiments are running, the most at once; try again when one finishes or cancel one`)
    }
    const record: ExperimentRecord = {
      id: newExperimentId(),
      status: 'running',
      config,
      progress: { done: 0, total: config.nodes.length * config.p.length * config.rounds },
      createdAt: new Date().toISOString(),
      appVersion: this.options.appVersion,
      engineVersion: this.engineVersion,
    }
    this.records.set(record.id, record)
    const controller = new AbortController()
    const entry: RunningExperiment = {
      record,
      controller,
      startedAt: performance.now(),
      lastProgressAt: 0,
      run: Promise.resolve(),
      findable: Promise.resolve(),
    }
    this.running.set(record.id, entry)
    const { registry } = this.options
    if (registry) {
      entry.findable = registry
        .started(record)
        .catch((error: unknown) => this.warn(`could not announce experiment ${record.id}: ${error instanceof Error ? error.message : String(error)}`))
    }
    this.persist(record)
    entry.run = this.run(entry)
    return record
  }

  /**
   * Resolves once other instances can find a run started here (cluster mode; at once
   * otherwise): the POST answers after it, so a client may poll any instance right away.
   */
  async findable(id: string): Promise<void> {
    await this.running.get(id)?.findable
  }

  get(id: string): ExperimentRecord | undefined {
    return this.records.get(id)
  }

  /** Whether this instance holds the experiment's record. */
  has(id: string): boolean {
    return this.records.has(id)
  }

  /** Newest first. */
  list(limit: number): ExperimentSummary[] {
    return [...this.records.values()].reverse().slice(0, limit).map(summarise)
  }

  /** Stops a running experiment; cancelling a cancelled one is a no-op, a finished one a conflict. */
  cancel(id: string): ExperimentRecord {
    const record = this.records.get(id) ?? notFound(`no experiment ${id}`)
    const entry = this.running.get(id)
    if (entry) {
      this.settle(entry, { status: 'cancelled', error: 'cancelled by request' })
      entry.controller.abort(new Error('cancelled by request'))
    } else if (record.status !== 'cancelled') {
      conflict(`experiment ${id} is already ${record.status}`)
    }
    return record
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
    try {
      // Let the POST be answered before any work, even work small enough for this thread.
      await yieldToEventLoop()
      signal.throwIfAborted()
      const points = await runSweep({
        nodes,
        ps,
        rounds,
        seed,
        signal,
        workers: this.options.workers ?? defaultWorkerCount(),
        // Live classrooms come first: the sweep gets the CPU they leave.
        background: true,
        parallelThreshold: this.options.inThreadMaxDraws ?? 2e6,
        onProgress: (done, total) => this.reportProgress(entry, done, total),
      })
      const results = await mapInSlices(points, (point) => toExperimentPoint(point, seed), signal)
      this.settle(entry, { status: 'done', results })
    } catch (error) {
      // After a cancel or close the entry is already settled and this is ignored.
      this.settle(entry, { status: 'failed', error: error instanceof Error ? error.message : String(error) })
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
    const saved = this.persist(record)
    const { registry } = this.options
    // Only once the final document is stored: other instances then read it from the store.
    if (registry) void saved.then(() => this.safely(() => registry.settled(record)))
    this.safely(() => this.events.finished(record.id, structuredClone(record)))
  }

  /** Saves in the background: a failing disk is logged, never allowed to break a run. */
  private persist(record: ExperimentRecord): Promise<void> {
    const document: ExperimentDocument = { v: EXPERIMENT_DOCUMENT_VERSION, ...record }
    const save = this.options.store
      .saveExperiment(record.id, document)
      .catch((error: unknown) => this.warn(`could not save experiment ${record.id}: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => this.saves.delete(save))
    this.saves.add(save)
    return save
  }

  /** A listener's bug must not fail the experiment it listens to. */
  private safely(emit: () => void): void {
    try {
      emit()
    } catch (error) {
      this.warn(`an experiment event listener failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  private warn(message: string): void {
    this.warnings.push(message)
    this.options.log?.warn(message)
  }
}

/** 12 URL-safe characters (72 random bits): unguessable enough for a classroom, short enough to read. */
function newExperimentId(): string {
  return randomBytes(9).toString('base64url')
}

function toExperimentPoint(point: SweepPoint, seed: number): ExperimentPoint {
  const { p } = point
  if (p === null) throw new Error('a sweep point has no delivery probability p')
  return {
    nodes: point.nodes,
    f: point.f,
    p,
    rounds: point.rounds,
    seed,
    pointSeed: point.seed,
    successes: point.successes,
    successRate: point.successRate,
    ci95: [point.ci95[0], point.ci95[1]],
    theoreticalSuccessRate: successProbability(point.nodes, p, point.f),
    failures: { 'pre-prepare': point.failures['pre-prepare'], prepare: point.failures.prepare, commit: point.failures.commit },
    meanMessages: { ...point.meanMessages },
  }
}

/** A record's row in `GET /api/experiments`. */
export function summarise(record: ExperimentRecord): ExperimentSummary {
  const { nodes, p, rounds, seed } = record.config
  return {
    id: record.id,
    status: record.status,
    createdAt: record.createdAt,
    finishedAt: record.finishedAt,
    progress: record.progress,
    summary: {
      points: nodes.length * p.length,
      nodes: [Math.min(...nodes), Math.max(...nodes)],
      p: [Math.min(...p), Math.max(...p)],
      rounds,
      seed,
    },
  }
}
