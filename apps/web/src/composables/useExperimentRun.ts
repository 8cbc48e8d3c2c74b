import { onScopeDispose, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { ExperimentPoint } from '@pbft/protocol'
import type { ConvergenceCurve } from '../experiment/chartOptions'
import { MAX_CURVE_POINTS, type CurveKey } from '../experiment/convergence'
import type { ExperimentSource } from '../experiment/exportFormats'
import {
  cancelExperiment,
  createExperiment,
  ExperimentApiError,
  getExperiment,
  ServerUnavailableError,
  watchOverSocket,
  type ExperimentRecordAnswer,
  type ExperimentWatcher,
} from '../experiment/experimentsApi'
import { modeOf, type ExperimentInputs, type ExperimentMode } from '../experiment/inputs'
import { createExperimentWorker, type ExperimentWorker, type ExperimentWorkerFactory } from '../workers/createExperimentWorker'
import type { ExperimentTask, WorkerReport } from '../workers/messages'

export type RunStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed'

export interface ExperimentRunOptions {
  createWorker?: ExperimentWorkerFactory
  fetch?: typeof fetch
  /** How a server run's pushed progress is followed (default: a socket of its own). */
  watch?: ExperimentWatcher
  /** How often a server run is polled while its push is down. */
  pollMs?: number
}

export interface ExperimentRun {
  status: Ref<RunStatus>
  mode: Ref<ExperimentMode | null>
  source: Ref<ExperimentSource | null>
  /** The inputs of the current (or last) run. */
  config: ShallowRef<ExperimentInputs | null>
  progress: Ref<{ done: number; total: number }>
  /** Convergence runs: one curve per (N, quorum rule), growing while it runs. */
  curves: ShallowRef<ConvergenceCurve[]>
  /** Finished points (table rows), in the order they finished. */
  points: ShallowRef<ExperimentPoint[]>
  /** Why the run failed: the server's or the engine's message. */
  error: Ref<string | null>
  /** The server was unreachable, so the sweep ran in the browser. */
  fellBack: Ref<boolean>
  experimentId: Ref<string | null>
  start(inputs: ExperimentInputs): Promise<void>
  cancel(): Promise<void>
}

/** Reads that may fail in a row (a Wi-Fi hiccup) before a server run is given up. */
const MAX_POLL_FAILURES = 10

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs an experiment where it belongs: one p in a Web Worker (live curve, no server needed), a
 * range of p on the server (its progress pushed over a socket; the record is read once each time
 * the push comes back, and polled only while it is down), or in the worker when the server
 * cannot be reached.
 * Starting a new run abandons the previous one; leaving the page stops a browser run.
 */
export function useExperimentRun(options: ExperimentRunOptions = {}): ExperimentRun {
  const makeWorker = options.createWorker ?? createExperimentWorker
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init))
  const watch = options.watch ?? watchOverSocket
  const pollMs = options.pollMs ?? 300

  const status = ref<RunStatus>('idle')
  const mode = ref<ExperimentMode | null>(null)
  const source = ref<ExperimentSource | null>(null)
  const config = shallowRef<ExperimentInputs | null>(null)
  const progress = ref({ done: 0, total: 0 })
  const curves = shallowRef<ConvergenceCurve[]>([])
  const points = shallowRef<ExperimentPoint[]>([])
  const error = ref<string | null>(null)
  const fellBack = ref(false)
  const experimentId = ref<string | null>(null)

  /** Bumped by every start, cancel and unmount: reports of an older run are ignored. */
  let generation = 0
  let worker: ExperimentWorker | null = null
  /** The server run being followed and the token that cancels it (only its creator gets one). */
  let serverRun: { id: string; cancelToken: string } | null = null
  /**
   * The loop following the server run: `read` asks it to read the record once now (after a
   * cancel); `wake` lets it notice that it was superseded (a new run, a cancel, the page gone).
   */
  let following: { read(): void; wake(): void } | null = null

  /** Asks the server to stop a run nobody follows any more (best effort: it may be over). */
  function abandon(run: { id: string; cancelToken: string } | null): Promise<void> {
    if (run === null) return Promise.resolve()
    return cancelExperiment(run.id, run.cancelToken, fetchImpl).catch(() => undefined)
  }

  function stopWorker(): void {
    worker?.terminate()
    worker = null
  }

  function finish(run: number, outcome: RunStatus, message: string | null = null): void {
    if (run !== generation) return
    stopWorker()
    status.value = outcome
    error.value = message
  }

  function appendCurve(key: CurveKey, added: ConvergenceCurve['points']): void {
    const existing = curves.value.find((curve) => curve.nodes === key.nodes && curve.quorumRule === key.quorumRule)
    const updated: ConvergenceCurve = { ...key, points: [...(existing?.points ?? []), ...added] }
    curves.value = existing ? curves.value.map((curve) => (curve === existing ? updated : curve)) : [...curves.value, updated]
  }

  function runInWorker(run: number, task: ExperimentTask): void {
    const current = makeWorker()
    worker = current
    current.onmessage = (event: MessageEvent<WorkerReport>) => {
      if (run !== generation) return
      const report = event.data
      switch (report.kind) {
        case 'progress':
          progress.value = { done: report.done, total: report.total }
          break
        case 'curve':
          appendCurve(report.key, report.points)
          break
        case 'point':
          points.value = [...points.value, report.point]
          break
        case 'done':
          finish(run, 'done')
          break
        case 'error':
          finish(run, 'failed', report.message)
          break
      }
    }
    current.onerror = (event) => finish(run, 'failed', event.message || 'worker error')
    current.postMessage(task)
  }

  async function runOnServer(run: number, inputs: ExperimentInputs): Promise<void> {
    let id: string
    try {
      const created = await createExperiment(
        { nodes: inputs.nodes, p: inputs.p, rounds: inputs.rounds, seed: inputs.seed, quorumRule: inputs.quorumRules },
        fetchImpl,
      )
      id = created.id
      if (run !== generation) {
        // Cancelled while the request was in flight: the server must not keep working for nobody.
        void abandon({ id, cancelToken: created.cancelToken })
        return
      }
      serverRun = { id, cancelToken: created.cancelToken }
      experimentId.value = id
      progress.value = { done: 0, total: created.total }
    } catch (cause) {
      if (run !== generation) return
      if (cause instanceof ServerUnavailableError) {
        fellBack.value = true
        source.value = 'browser'
        runInWorker(run, { kind: 'sweep', nodes: inputs.nodes, ps: inputs.p, rounds: inputs.rounds, seed: inputs.seed, quorumRules: inputs.quorumRules })
        return
      }
      finish(run, 'failed', cause instanceof Error ? cause.message : String(cause))
      return
    }

    await follow(run, id)
  }

  /**
   * Follows a server run to its end: progress and the final record as the server pushes them.
   * The record is read (REST) once each time the push becomes live, since what was pushed
   * before was missed, and polled every `pollMs` only while the push is down.
   */
  async function follow(run: number, id: string): Promise<void> {
    let live = false
    let readPending = false
    let settled = false
    let wake: () => void = () => undefined
    // Pushes and reads may arrive out of order: progress only moves forward.
    const advance = (done: number, total: number): void => {
      if (run === generation && !settled && done >= progress.value.done) progress.value = { done, total }
    }
    const apply = (record: ExperimentRecordAnswer): void => {
      if (run !== generation || settled) return
      advance(record.progress.done, record.progress.total)
      if (record.results) points.value = record.results
      if (record.status === 'running') return
      settled = true
      serverRun = null
      finish(run, record.status, record.error ?? null)
    }
    const watching = watch(id, {
      progress: advance,
      finished: (record) => {
        apply(record)
        wake()
      },
      live: () => {
        live = true
        readPending = true
        wake()
      },
      down: () => {
        live = false
        wake()
      },
    })
    const mine = {
      read: () => {
        readPending = true
        wake()
      },
      wake: () => wake(),
    }
    following = mine
    let failures = 0
    try {
      while (run === generation && !settled) {
        if (live && !readPending) {
          await new Promise<void>((resolve) => (wake = resolve))
          continue
        }
        // Down: wait a little before each read; live: the one read it asked for, at once (a
        // read that follows a wait serves as that one too).
        if (!readPending) await sleep(pollMs)
        readPending = false
        if (run !== generation || settled) return
        try {
          const record = await getExperiment(id, fetchImpl)
          failures = 0
          apply(record)
        } catch (cause) {
          // A 4xx is final (the experiment is gone); anything else may be a passing network problem.
          failures++
          const final = cause instanceof ExperimentApiError || failures >= MAX_POLL_FAILURES
          if (final && run === generation && !settled) {
            finish(run, 'failed', cause instanceof Error ? cause.message : String(cause))
            return
          }
        }
      }
    } finally {
      watching.close()
      if (following === mine) following = null
    }
  }

  /** Reports of the current run are ignored from now on; its worker stops, its server run is no longer followed. */
  function supersede(): void {
    generation++
    stopWorker()
    following?.wake()
  }

  async function start(inputs: ExperimentInputs): Promise<void> {
    supersede()
    const run = generation
    // The server runs one experiment per address: the one this page no longer follows goes first.
    const abandoning = abandon(serverRun)
    serverRun = null
    const runMode = modeOf(inputs)
    status.value = 'running'
    mode.value = runMode
    config.value = inputs
    progress.value = { done: 0, total: inputs.nodes.length * inputs.p.length * inputs.quorumRules.length * inputs.rounds }
    curves.value = []
    points.value = []
    error.value = null
    fellBack.value = false
    experimentId.value = null
    if (runMode === 'convergence') {
      source.value = 'browser'
      const [p = 0] = inputs.p
      runInWorker(run, {
        kind: 'convergence',
        nodes: inputs.nodes,
        p,
        rounds: inputs.rounds,
        seed: inputs.seed,
        maxPoints: MAX_CURVE_POINTS,
        quorumRules: inputs.quorumRules,
      })
      return
    }
    source.value = 'server'
    await abandoning
    if (run !== generation) return
    await runOnServer(run, inputs)
  }

  async function cancel(): Promise<void> {
    if (status.value !== 'running') return
    const run = generation
    if (source.value === 'server' && serverRun !== null) {
      // The server stops and pushes the record with what it has; it is read once too, in case
      // the push is slower than this answer.
      try {
        await cancelExperiment(serverRun.id, serverRun.cancelToken, fetchImpl)
        following?.read()
        return
      } catch {
        // Unreachable: stop following the run here at least.
      }
    }
    if (run !== generation) return
    supersede()
    status.value = 'cancelled'
  }

  onScopeDispose(supersede)

  return { status, mode, source, config, progress, curves, points, error, fellBack, experimentId, start, cancel }
}
