import type { FastifyInstance } from 'fastify'
import { ExperimentService, type ExperimentServiceOptions } from './experimentService'
import { DEFAULT_EXPERIMENT_QUOTAS, type ExperimentQuotas } from './quotas'
import { registerExperimentRoutes, type ExperimentPeers } from './routes'

export { ExperimentService, type ExperimentEvents, type ExperimentRegistry, type ExperimentServiceOptions } from './experimentService'
export { DEFAULT_EXPERIMENT_QUOTAS, type ExperimentQuotas } from './quotas'
export { registerExperimentRoutes, type ExperimentPeers } from './routes'

/** What an app (or a test) may tune: the service's knobs and the per-address limits. */
export type ExperimentTuning = Pick<
  ExperimentServiceOptions,
  'workers' | 'inThreadMaxDraws' | 'progressIntervalMs' | 'maxRunning' | 'maxKept' | 'answerCacheBytes'
> & {
  /** Per-address limits; each one given replaces its default (null turns it off). */
  quotas?: Partial<ExperimentQuotas>
}

/**
 * Reads the kept experiments and serves `/api/experiments`. The service stops its runs in a
 * preClose hook, so they are saved before any onClose hook (close the store there) runs. Returns the
 * service, e.g. to set `service.events` once the socket gateway exists. In a cluster, `registry`
 * and `peers` (both the cluster's) make every instance answer for every experiment.
 */
export async function registerExperiments(
  app: FastifyInstance,
  options: Omit<ExperimentServiceOptions, 'runningPerClient'> & ExperimentTuning & { peers?: ExperimentPeers },
): Promise<ExperimentService> {
  const { peers, quotas: given, ...serviceOptions } = options
  const quotas = { ...DEFAULT_EXPERIMENT_QUOTAS, ...given }
  const service = await ExperimentService.open({ ...serviceOptions, runningPerClient: quotas.runningPerClient })
  await registerExperimentRoutes(app, service, { peers, quotas })
  return service
}
