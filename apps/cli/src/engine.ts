/**
 * The engine API the CLI uses, gathered in one place so the commands do not care which
 * engine module provides what (the in-thread kernels, or the Node-only worker pool).
 */
export {
  clientReliability,
  ConfigError,
  defaultFaultBound,
  FAULT_KINDS,
  MAX_VIEWS,
  QUORUM_RULES,
  reliability,
  successProbability,
} from '@pbft/engine'
export type { FaultKind, LinkMatrix, QuorumRule, SimulateOptions, SimulationResult } from '@pbft/engine'
export { runSweep, simulateParallel } from '@pbft/engine/node'
