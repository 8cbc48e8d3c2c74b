/** The experiments domain: sweeps run off the event loop, their records kept (see ExperimentService). */
export { ExperimentService, RESTARTED, type ExperimentEvents, type ExperimentServiceOptions, type StartedExperiment } from './experimentService'
export type { ExperimentPeers, ExperimentRegistry } from './peers'
export { DEFAULT_EXPERIMENT_QUOTAS, type ExperimentQuotas } from './quotas'
