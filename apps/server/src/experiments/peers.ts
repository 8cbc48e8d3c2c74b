import type { ExperimentRecord, ExperimentSummary } from '@pbft/protocol'

/**
 * What the experiments need from other instances in a cluster (REDIS_URL; see
 * cluster/experiments.ts). Without them (a single process) every experiment is local.
 */

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
  /** A run could not be started (its record could not be stored or announced): forget it, as far as possible. */
  withdrawn(id: string): void
}

/**
 * The experiments of the other instances: the routes ask about ids this instance does not hold.
 */
export interface ExperimentPeers {
  /** The record, from the instance running it or from the store; undefined when there is none. */
  get(id: string): Promise<ExperimentRecord | undefined>
  /** Cancels it where it runs, with the caller's token; refuses like `ExperimentService.cancel` (401, 403, 404, 409). */
  cancel(id: string, token: string | undefined): Promise<ExperimentRecord>
  /** The newest `limit` rows of every instance, these local rows merged in. */
  list(limit: number, local: ExperimentSummary[]): Promise<ExperimentSummary[]>
}
