export * from './quorum'
export * from './config'
export * from './byzantine'
export * from './outcome'
export * from './rng'
export * from './round/runRound'
export {
  clientAcceptProbability,
  clientReliability,
  EXACT_MAX_NODES,
  failureProbability,
  log10SuccessProbability,
  reliability,
  successProbability,
  type ClientReliability,
  type Reliability,
  type TheoryOptions,
} from './theory/successProbability'
export * from './simulation/simulate'
export * from './simulation/sweep'
export * from './simulation/wilson'
export * from './live/liveRound'
export { createKernel, type KernelRoundResult, type RoundKernel } from './simulation/kernel'
