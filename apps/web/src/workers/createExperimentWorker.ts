import type { ExperimentTask, WorkerReport } from './messages'

/** The part of a Worker the page uses: tests substitute an in-process fake. */
export interface ExperimentWorker {
  postMessage(task: ExperimentTask): void
  terminate(): void
  onmessage: ((event: MessageEvent<WorkerReport>) => void) | null
  onerror: ((event: ErrorEvent) => void) | null
}

export type ExperimentWorkerFactory = () => ExperimentWorker

/** Vite bundles the worker from this exact `new Worker(new URL(…), …)` expression. */
export const createExperimentWorker: ExperimentWorkerFactory = () =>
  new Worker(new URL('./experiment.worker.ts', import.meta.url), { type: 'module', name: 'experiment' })
