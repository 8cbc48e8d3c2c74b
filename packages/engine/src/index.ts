/**
 * @pbft/engine: the PBFT domain (see README.md, "Round semantics", for the normative rules).
 *
 * - Quorum rules (`quorum.ts`): `QuorumRule` = 'original' (default) | 'castro-liskov';
 *   `RoundConfig.quorumRule` selects it for `runRound`, `LiveRound`, `simulate` and sweeps.
 * - Outcomes (`outcome.ts`): every round is 'success' | 'no-decision' | 'safety-violated'
 *   (`RoundResult.outcome`, `KernelRoundResult.outcome`); a split decision is never a success.
 * - Exact theory: `successProbability`, `failureProbability`, `log10SuccessProbability`,
 *   `reliability` (metric A), `clientAcceptProbability`, `clientReliability` (metric B), each
 *   taking the rule (or `{ quorumRule, silentBackups }`) after N, p and an optional f.
 */
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
