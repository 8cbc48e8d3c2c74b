import {
  createChunkRunner,
  finishSimulation,
  planSimulation,
  reliability,
  type SimulationPlan,
} from '@pbft/engine'
import type { ExperimentPoint, QuorumRule } from '@pbft/protocol'
import { toExperimentPoint } from './experimentPoint'

/** `[round, cumulative success rate after that round]`. */
export type CurvePoint = [round: number, rate: number]

/** About how many points one curve keeps: more than a chart can show, few enough to redraw live. */
export const MAX_CURVE_POINTS = 2000

/** Record every `stride`-th round so that a run of `rounds` rounds keeps at most `maxPoints` points. */
export function sampleStride(rounds: number, maxPoints: number = MAX_CURVE_POINTS): number {
  return Math.max(1, Math.ceil(rounds / Math.max(1, maxPoints)))
}

/**
 * The cumulative success rate of a run, kept at every `stride`-th round and at the last one.
 * Downsampling a cumulative rate by picking rounds (rather than averaging) keeps every point
 * an exact value of the curve: successes so far over rounds so far.
 */
export class CumulativeRate {
  private played = 0
  private successes = 0
  private pending: CurvePoint[] = []

  constructor(
    readonly rounds: number,
    readonly stride: number = sampleStride(rounds),
  ) {}

  record(success: boolean): void {
    this.played++
    if (success) this.successes++
    if (this.played % this.stride === 0 || this.played === this.rounds) {
      this.pending.push([this.played, this.successes / this.played])
    }
  }

  /** The points recorded since the last call. */
  takePoints(): CurvePoint[] {
    const points = this.pending
    this.pending = []
    return points
  }
}

export interface ConvergenceConfig {
  nodes: readonly number[]
  p: number
  rounds: number
  seed: number
  /** Each rule in turn, every N under it (the same seed: the same link draws). */
  quorumRules: readonly QuorumRule[]
  maxPoints?: number
}

/** Which curve a report belongs to, and its exact values (P, and 1 − P without cancellation). */
export interface CurveKey {
  nodes: number
  quorumRule: QuorumRule
  theory: number
  theoryFailure: number
}

export interface ConvergenceListener {
  /** New points of the curve of `key`, in order. */
  onCurve(key: CurveKey, points: CurvePoint[]): void
  onProgress(done: number, total: number): void
  /** The finished run of one N, as a results-table row. */
  onPoint(point: ExperimentPoint): void
}

type Tally = ReturnType<ReturnType<typeof createChunkRunner>>

function addTally(into: Tally, from: Tally): void {
  into.rounds += from.rounds
  into.successes += from.successes
  from.failures.forEach((count, phase) => (into.failures[phase] = (into.failures[phase] ?? 0) + count))
  into.safetyViolations += from.safetyViolations
  into.sent += from.sent
  into.delivered += from.delivered
  into.rejected += from.rejected
  into.undrawnSent += from.undrawnSent
}

/**
 * The plan of a convergence run: the engine's plan with one round per chunk. Chunk c draws from
 * its own sub-stream `Rng(seed, c)`, so round r depends on (seed, r) only and every prefix of a
 * run is itself a run: the curve of 1,000 rounds is the start of the curve of 10,000. (Its
 * totals therefore differ from `pbft simulate --seed`, which plays 65,536 rounds per sub-stream.)
 */
export function convergencePlan(nodes: number, p: number, rounds: number, seed: number, quorumRule: QuorumRule = 'original'): SimulationPlan {
  const plan = planSimulation({ nodes, p, rounds, seed, quorumRule })
  return { ...plan, chunkRounds: 1, chunks: plan.rounds }
}

/** How often (in rounds) the clock is read to decide whether to report. */
const CLOCK_EVERY = 1024

/**
 * Plays the run of every N in turn, reporting points and progress at most every `reportMs`
 * (a synchronous loop: call it in a worker). Returns nothing; everything goes to `listener`.
 */
export function playConvergence(
  config: ConvergenceConfig,
  listener: ConvergenceListener,
  reportMs = 100,
  now: () => number = () => performance.now(),
): void {
  const { p, rounds, seed } = config
  const runs = config.quorumRules.flatMap((quorumRule) => config.nodes.map((nodes) => ({ nodes, quorumRule })))
  const total = runs.length * rounds
  let done = 0
  let lastReport = now()
  for (const { nodes, quorumRule } of runs) {
    const plan = convergencePlan(nodes, p, rounds, seed, quorumRule)
    const exact = reliability(nodes, p, plan.round.f, quorumRule)
    const key: CurveKey = { nodes, quorumRule, theory: exact.successRate, theoryFailure: exact.failureRate }
    const theory = exact.successRate
    const playRound = createChunkRunner(plan)
    const curve = new CumulativeRate(rounds, sampleStride(rounds, config.maxPoints))
    const tally: Tally = playRound(0)
    curve.record(tally.successes === 1)
    for (let round = 1; round < rounds; round++) {
      const outcome = playRound(round)
      addTally(tally, outcome)
      curve.record(outcome.successes === 1)
      if (round % CLOCK_EVERY === 0 && now() - lastReport >= reportMs) {
        listener.onCurve(key, curve.takePoints())
        listener.onProgress(done + round + 1, total)
        lastReport = now()
      }
    }
    done += rounds
    listener.onCurve(key, curve.takePoints())
    listener.onProgress(done, total)
    listener.onPoint(toExperimentPoint(finishSimulation(plan, tally), seed, theory))
  }
}
