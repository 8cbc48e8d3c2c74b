import type { FastifyInstance } from 'fastify'
import { ExperimentService, type ExperimentServiceOptions } from './experimentService'
import { registerExperimentRoutes, type ExperimentPeers } from './routes'

export { ExperimentService, type ExperimentEvents, type ExperimentRegistry, type ExperimentServiceOptions } from './experimentService'
export { registerExperimentRoutes, type ExperimentPeers } from './routes'

/**
 * Loads the stored experiments and serves `/api/experiments`. The service stops its runs in a
 * preClose hook, so they are saved before any onClose hook (close the store there) runs. Returns the
 * service, e.g. to set `service.events` once the socket gateway exists. In a cluster, `registry`
 * and `peers` (both the cluster's) make every instance answer for every experiment.
 */
export async function registerExperiments(
  app: FastifyInstance,
  options: ExperimentServiceOptions & { peers?: ExperimentPeers },
): Promise<ExperimentService> {
  const { peers, ...serviceOptions } = options
  const service = await ExperimentService.open(serviceOptions)
  await registerExperimentRoutes(app, service, peers)
  return service
}
