import { z } from 'zod'
import { integerDomain, MAX_RANGE_POINTS, PROBABILITY, rangeSchema, scalarSchema } from './ranges'

/**
 * Parameters of the three experiments (exact theory, one Monte-Carlo run, a sweep), as text:
 * the CLI's flags and the REST API's query strings share these schemas, so `pbft theory
 * --nodes 4,7 --p 0.5:1:0.05` and `GET /api/theory?nodes=4,7&p=0.5:1:0.05` accept the same input.
 */

/** Runtime caps: beyond them a request is a mistake or a denial of service, not an experiment. */
export const EXPERIMENT_LIMITS = {
  /** The exact formula is O(N²) per point. */
  maxTheoryNodes: 10_000,
  /** A message-level round is O(N²) messages. */
  maxSimulationNodes: 10_000,
  maxRounds: 1_000_000_000,
  maxPoints: MAX_RANGE_POINTS,
  /** (nodes, p) pairs of one theory table or sweep. */
  maxPairs: 100_000,
} as const

/** Rounds when none are asked for. */
export const DEFAULT_ROUNDS = 10_000
/** The seed when none is given: runs are reproducible unless asked otherwise. */
export const DEFAULT_SEED = 1

export const TheoryNodesRange = rangeSchema(integerDomain(1, EXPERIMENT_LIMITS.maxTheoryNodes))
export const SimulationNodesRange = rangeSchema(integerDomain(1, EXPERIMENT_LIMITS.maxSimulationNodes))
export const SimulationNodes = scalarSchema(integerDomain(1, EXPERIMENT_LIMITS.maxSimulationNodes))
export const ProbabilityRange = rangeSchema(PROBABILITY)
export const Probability = scalarSchema(PROBABILITY)
export const FaultBound = scalarSchema(integerDomain(0, EXPERIMENT_LIMITS.maxTheoryNodes - 1))
export const Rounds = scalarSchema(integerDomain(1, EXPERIMENT_LIMITS.maxRounds)).prefault(String(DEFAULT_ROUNDS))
export const Seed = scalarSchema(integerDomain(0)).prefault(String(DEFAULT_SEED))

/** Reports an `f` that some node count cannot have (f must be below N). */
export function checkFaultBound(f: number | undefined, nodes: readonly number[], ctx: z.core.$RefinementCtx): void {
  if (f === undefined) return
  const smallest = Math.min(...nodes)
  if (f >= smallest) {
    ctx.addIssue({ code: 'custom', path: ['f'], message: `${f} must be less than nodes, but nodes = ${smallest}` })
  }
}

/** Reports a nodes × p grid too large to compute in one request. */
export function checkPairs(nodes: readonly number[], ps: readonly number[], ctx: z.core.$RefinementCtx): void {
  const pairs = nodes.length * ps.length
  if (pairs > EXPERIMENT_LIMITS.maxPairs) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `nodes × p gives ${pairs} pairs, more than the ${EXPERIMENT_LIMITS.maxPairs} allowed`,
    })
  }
}

/** The fields of TheoryParams, which `GET /api/theory` extends with its quorum rule. */
export const TheoryParamsShape = { nodes: TheoryNodesRange, p: ProbabilityRange, f: FaultBound.optional() }

/** `pbft theory` / `GET /api/theory`: every (nodes, p) pair of the two ranges. */
export const TheoryParams = z
  .object(TheoryParamsShape)
  .superRefine((params, ctx) => {
    checkFaultBound(params.f, params.nodes, ctx)
    checkPairs(params.nodes, params.p, ctx)
  })
export type TheoryParams = z.output<typeof TheoryParams>

/** `pbft simulate` with the model's parameters only (no faults, no link matrix). */
export const SimulationParams = z
  .object({ nodes: SimulationNodes, p: Probability, f: FaultBound.optional(), rounds: Rounds, seed: Seed })
  .superRefine((params, ctx) => checkFaultBound(params.f, [params.nodes], ctx))
export type SimulationParams = z.output<typeof SimulationParams>

/** `pbft sweep`: one Monte-Carlo run per (nodes, p) pair. */
export const SweepParams = z
  .object({ nodes: SimulationNodesRange, p: ProbabilityRange, rounds: Rounds, seed: Seed })
  .superRefine((params, ctx) => checkPairs(params.nodes, params.p, ctx))
export type SweepParams = z.output<typeof SweepParams>

/**
 * One line for the first problem of a failed parse, named after the parameter:
 * `--p: 1.5 is not a probability in [0, 1]` with prefix `--`, `p: …` without.
 */
export function describeParamsError(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid parameters'
  const name = issue.path.map(String).join('.')
  return name === '' ? issue.message : `${prefix}${name}: ${issue.message}`
}
