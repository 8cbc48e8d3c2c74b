/**
 * Node-only entry (`@pbft/engine/node`): Monte-Carlo on `worker_threads`. The browser uses the
 * in-thread `simulate` / `sweep` from the main entry instead.
 */
export { runSweep, simulateParallel, type ParallelOptions } from './parallel'
export { defaultWorkerCount } from './workerPool'
