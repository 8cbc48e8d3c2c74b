import type { FastifyInstance } from 'fastify'
import { ExperimentService, type ExperimentServiceOptions } from './experimentService'
import { registerExperimentRoutes } from './routes'

export { ExperimentService, type ExperimentEvents, type ExperimentServiceOptions } from './experimentService'
export { registerExperimentRoutes } from './routes'

/**
 * Loads the stored experiments and serves `/api/experiments`. The service stops its runs in a
 * preClose hook, so they are saved before any onClose hook (close the store there) runs. Returns the
 * service, e.g. to set `service.events` once the socket gateway exists.
 */
export async function registerExperiments(app: FastifyInstance, options: ExperimentServiceOptions): Promise<ExperimentService> {
  const service = await ExperimentService.open(options)
  await registerExperimentRoutes(app, service)
  return service
}
