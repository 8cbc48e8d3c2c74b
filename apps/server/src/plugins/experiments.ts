import fp from 'fastify-plugin'
import { ExperimentService, type ExperimentServiceOptions } from '../experiments/experimentService'
import { DEFAULT_EXPERIMENT_QUOTAS, type ExperimentQuotas } from '../experiments/quotas'
import { socketExperimentEvents } from '../realtime/socketSink'

declare module 'fastify' {
  interface FastifyInstance {
    /** The Monte-Carlo experiments (see experiments/experimentService.ts). */
    experiments: ExperimentService
  }
}

/** What an app (or a test) may tune: the service's knobs and the per-address limits. */
export type ExperimentTuning = Pick<
  ExperimentServiceOptions,
  'workers' | 'inThreadMaxDraws' | 'progressIntervalMs' | 'maxRunning' | 'maxKept' | 'answerCacheBytes'
> & {
  /** Per-address limits; each one given replaces its default (null turns it off). */
  quotas?: Partial<ExperimentQuotas>
}

/**
 * The experiment service: reads the kept experiments, pushes progress to the sockets watching
 * them, and in a cluster registers its runs so that every instance answers for every
 * experiment. Its runs stop in `preClose` and their records are saved before the store closes.
 */
export const experiments = fp<ExperimentTuning & { appVersion: string }>(
  async (app, options) => {
    const { quotas, ...tuning } = options
    const service = await ExperimentService.open({
      log: app.log,
      ...tuning,
      store: app.store,
      events: socketExperimentEvents(app.io),
      runningPerClient: { ...DEFAULT_EXPERIMENT_QUOTAS, ...quotas }.runningPerClient,
      ...(app.clusterLink ? { registry: app.clusterLink.experiments } : {}),
    })
    app.decorate('experiments', service)
    app.addHook('preClose', async () => service.close())
  },
  {
    fastify: '5.x',
    name: 'pbft-experiments',
    dependencies: ['pbft-store', 'pbft-socket-server', 'pbft-cluster-link'],
    decorators: { fastify: ['store', 'io', 'clusterLink'] },
  },
)
