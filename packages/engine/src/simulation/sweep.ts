import { ConfigError } from '../config'
import type { QuorumRule } from '../quorum'
import { Rng } from '../rng'
import { planSimulation, runPlan, type SimulateOptions, type SimulationPlan, type SimulationResult } from './simulate'

/** One point of a sweep (the lead adds the theory curve next to it). */
export type SweepPoint = SimulationResult

export interface SweepOptions {
  nodes: readonly number[]
  ps: readonly number[]
  /** Rounds per point. */
  rounds: number
  seed: number
  /** How replicas count votes at every point (default 'original'). */
  quorumRule?: QuorumRule
  /** Views a round may use at every point (default 1; see `SimulateOptions.views`). */
  views?: number
  /** Rounds done over the whole sweep. */
  onProgress?: (done: number, total: number) => void
  signal?: AbortSignal
}

export interface SweepPointSpec {
  nodes: number
  p: number
}

/** The grid, nodes-major: every p for the first N, then every p for the next. */
export function sweepPoints(nodes: readonly number[], ps: readonly number[]): SweepPointSpec[] {
  if (nodes.length === 0) throw new ConfigError('a sweep needs at least one value of nodes')
  if (ps.length === 0) throw new ConfigError('a sweep needs at least one value of p')
  return nodes.flatMap((n) => ps.map((p) => ({ nodes: n, p })))
}

/**
 * The seed of one point, a hash of (seed, nodes, p): a point's result depends only on itself,
 * never on the rest of the grid or on how the sweep is spread over threads. Seed and p are
 * hashed through their IEEE-754 bits so that fractional values stay distinct.
 */
export function pointSeed(seed: number, nodes: number, p: number): number {
  const [seedLow, seedHigh] = float64Words(seed)
  const [pLow, pHigh] = float64Words(p)
  return new Rng(seedLow, seedHigh, nodes, pLow, pHigh).nextU32()
}

const wordView = new DataView(new ArrayBuffer(8))

function float64Words(value: number): [number, number] {
  wordView.setFloat64(0, value === 0 ? 0 : value) // -0 and 0 are the same point
  return [wordView.getUint32(4), wordView.getUint32(0)]
}

/** The simulation options of one sweep point. */
export function pointOptions(options: Pick<SweepOptions, 'rounds' | 'seed' | 'quorumRule' | 'views'>, point: SweepPointSpec): SimulateOptions {
  const { rounds, quorumRule, views } = options
  const simulation: SimulateOptions = { nodes: point.nodes, p: point.p, rounds, seed: pointSeed(options.seed, point.nodes, point.p) }
  // Only when given, so that a point's options stay exactly what they were before the rules.
  if (quorumRule !== undefined) simulation.quorumRule = quorumRule
  if (views !== undefined) simulation.views = views
  return simulation
}

/** Validates the whole sweep before anything runs. */
export function planSweep(options: SweepOptions): SimulationPlan[] {
  return sweepPoints(options.nodes, options.ps).map((point) => planSimulation(pointOptions(options, point)))
}

/** Runs the sweep in this thread (see `runSweep` in `@pbft/engine/node` for threads). */
export function sweep(options: SweepOptions): SweepPoint[] {
  const plans = planSweep(options)
  const total = plans.reduce((sum, plan) => sum + plan.rounds, 0)
  let done = 0
  return plans.map((plan) =>
    runPlan(plan, options.signal, (rounds) => {
      done += rounds
      options.onProgress?.(done, total)
    }),
  )
}
