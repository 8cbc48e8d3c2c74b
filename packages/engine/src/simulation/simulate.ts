import { ConfigError, normalizeRound, type NormalizedRound, type RoundConfig } from '../config'
import { PHASES, type MessageCounts, type Phase } from '../outcome'
import type { QuorumRule } from '../quorum'
import { Rng } from '../rng'
import { MAX_VIEWS, VIEW_STREAM } from '../views'
import { FastPath } from './fastPath'
import { createKernel } from './kernel'
import { emptyTally, mergeTallies, type SimulationTally } from './tally'
import { wilson95 } from './wilson'

export type SimulationPath = 'fast' | 'message'

export interface SimulateOptions extends RoundConfig {
  rounds: number
  seed: number
  /**
   * Views a round may use, K >= 1 (default 1): success within K views. Every round plays the
   * client (its REPLYs, `clientAcceptRate`); with K > 1 a round whose client got no result
   * goes through view changes, as `runRound(config, { seed, maxViews: K })`. K = 1 gives
   * today's figures bit for bit, and the client's on top.
   */
  views?: number
  /** 'auto' (default): the fast path when every replica is honest, there is no link matrix and views is 1. */
  path?: 'auto' | SimulationPath
  /** Called after every chunk with the rounds done so far. */
  onProgress?: (done: number, total: number) => void
  /** Checked between chunks. */
  signal?: AbortSignal
}

export interface SimulationResult {
  nodes: number
  f: number
  /** The homogeneous delivery probability, or null with a link matrix. */
  p: number | null
  rounds: number
  seed: number
  /** Rounds that succeeded: N - f honest replicas committed one value and none another. */
  successes: number
  /** successes / rounds: a round with a safety violation never counts. */
  successRate: number
  ci95: [number, number]
  /** No-decision rounds by the first phase that fell short. */
  failures: Record<Phase, number>
  /** Rounds in which honest replicas committed different values; successes + Σ failures + safetyViolations = rounds. */
  safetyViolations: number
  /** Mean messages per round (the fast path counts PREPARE/COMMIT deliveries at their expectation). */
  meanMessages: MessageCounts
  path: SimulationPath
  quorumRule: QuorumRule
  /** K: views a round could use. */
  views: number
  /** The mean number of views the rounds used: 1 when a round ended in view 0, 2 in view 1, ... */
  meanViews: number
  /** Rounds whose client accepted a result (f + 1 matching REPLYs from distinct replicas). */
  clientAccepts: number
  /** clientAccepts / rounds: PBFT's own success criterion (metric B). */
  clientAcceptRate: number
}

/** Everything needed to play any chunk of a simulation, on any thread. */
export interface SimulationPlan {
  round: NormalizedRound
  path: SimulationPath
  rounds: number
  seed: number
  /** Rounds per chunk (the last chunk may be shorter). */
  chunkRounds: number
  chunks: number
  /** Views a round may use (K). */
  views: number
}

export const MAX_ROUNDS = 1e9
/** Fast-path chunk: about 0.02 s of work at N = 10, so progress and cancellation stay responsive. */
const FAST_CHUNK_ROUNDS = 1 << 16
/** Message-level chunks hold about this many messages (a round sends about N² of them). */
const MESSAGE_CHUNK_WORK = 1 << 22

/** Validates the options and fixes how the run is cut into chunks. */
export function planSimulation(options: SimulateOptions): SimulationPlan {
  const { rounds, seed } = options
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
    throw new ConfigError(`rounds must be an integer in [1, ${MAX_ROUNDS}], got ${rounds}`)
  }
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ConfigError(`seed must be a finite number, got ${seed}`)
  const views = options.views ?? 1
  if (!Number.isInteger(views) || views < 1 || views > MAX_VIEWS) {
    throw new ConfigError(`views must be an integer in [1, ${MAX_VIEWS}], got ${views}`)
  }
  const round = normalizeRound(options)
  if (round.view !== 0) throw new ConfigError(`a simulation plays rounds from view 0, got view ${round.view}`)
  const path = choosePath(round, options.path ?? 'auto', views)
  const chunkRounds = path === 'fast' ? FAST_CHUNK_ROUNDS : messageChunkRounds(round.nodes)
  return { round, path, rounds, seed, chunkRounds, chunks: Math.ceil(rounds / chunkRounds), views }
}

function choosePath(round: NormalizedRound, requested: string, views: number): SimulationPath {
  const fastApplies = round.byzantineCount === 0 && round.p !== null && views === 1
  switch (requested) {
    case 'auto':
      return fastApplies ? 'fast' : 'message'
    case 'fast':
      if (!fastApplies) {
        throw new ConfigError('the fast path needs every replica honest, one delivery probability p (no links matrix) and one view')
      }
      return 'fast'
    case 'message':
      return 'message'
    default:
      throw new ConfigError(`path must be 'auto', 'fast' or 'message', got "${requested}"`)
  }
}

/** A power of two, so that chunk boundaries stay simple to reason about. */
function messageChunkRounds(nodes: number): number {
  let chunk = 1 << 16
  while (chunk > 1 && chunk * nodes * nodes > MESSAGE_CHUNK_WORK) chunk >>= 1
  return chunk
}

/** Rounds in chunk `chunk` of the plan. */
export function chunkSize(plan: SimulationPlan, chunk: number): number {
  return Math.min(plan.chunkRounds, plan.rounds - chunk * plan.chunkRounds)
}

/**
 * The cost of setting a point up, in PRNG-draw equivalents (one draw is ~6 ns here): planning,
 * playing and finishing a one-round point costs ~1,000 draws plus, on the fast path, ~25 per
 * replica (its quorum thresholds), on the message path ~8 per link (its threshold tables).
 */
const POINT_SETUP_DRAWS = 1000
const FAST_SETUP_DRAWS_PER_NODE = 25
const MESSAGE_SETUP_DRAWS_PER_LINK = 8

/**
 * About how much work the plan is, in PRNG draws, its set-up included: what deciding to use
 * worker threads is based on. Counting draws alone called a 10,000-point sweep of one round
 * each "tiny" (2·10^6 draws), while setting its points up held the event loop for seconds.
 */
export function estimatedDraws(plan: SimulationPlan): number {
  const n = plan.round.nodes
  const setup = POINT_SETUP_DRAWS + (plan.path === 'fast' ? FAST_SETUP_DRAWS_PER_NODE * n : MESSAGE_SETUP_DRAWS_PER_LINK * n * n)
  // A view change costs about as much as a view: K views at most.
  return setup + plan.rounds * (plan.path === 'fast' ? 3 * n : 2 * n * n * plan.views)
}

/**
 * A function playing one chunk of the plan. Chunk c always draws from its own `new Rng(seed, c)`
 * (view 0's normal case) and `new Rng(seed, c, VIEW_STREAM)` (the client and later views) and
 * plays its rounds in order, so its tally depends on nothing but (plan, c): chunks can run in
 * any order, on any thread, and their sum is the same.
 */
export function createChunkRunner(plan: SimulationPlan): (chunk: number) => SimulationTally {
  if (plan.path === 'fast') {
    const { nodes, f, p, quorumRule, clientP } = plan.round
    const fast = new FastPath(nodes, f, p ?? 1, quorumRule, clientP)
    return (chunk) => {
      const tally = emptyTally()
      fast.playRounds(new Rng(plan.seed, chunk), chunkSize(plan, chunk), tally, new Rng(plan.seed, chunk, VIEW_STREAM))
      return tally
    }
  }
  const kernel = createKernel(plan.round, { views: plan.views })
  return (chunk) => {
    const rng = new Rng(plan.seed, chunk)
    const viewRng = new Rng(plan.seed, chunk, VIEW_STREAM)
    const rounds = chunkSize(plan, chunk)
    const tally = emptyTally()
    for (let r = 0; r < rounds; r++) {
      const round = kernel.playRound(rng, viewRng)
      if (round.outcome === 'success') tally.successes++
      else if (round.outcome === 'safety-violated') tally.safetyViolations++
      else if (round.failurePhase !== null) {
        const phase = PHASES.indexOf(round.failurePhase)
        tally.failures[phase] = (tally.failures[phase] ?? 0) + 1
      }
      tally.sent += round.sent
      tally.delivered += round.delivered
      tally.rejected += round.rejected
      if (round.clientAccepted) tally.clientAccepts++
      tally.viewsUsed += round.view + 1
    }
    tally.rounds = rounds
    return tally
  }
}

/** The result of a plan from the sum of all its chunks' tallies. */
export function finishSimulation(plan: SimulationPlan, tally: SimulationTally): SimulationResult {
  const { round, rounds, seed, path } = plan
  if (tally.rounds !== rounds) throw new Error(`tally covers ${tally.rounds} rounds, the plan ${rounds}`)
  const failures = Object.fromEntries(PHASES.map((phase, i) => [phase, tally.failures[i] ?? 0])) as Record<Phase, number>
  const delivered = tally.delivered + (round.p ?? 0) * tally.undrawnSent
  return {
    nodes: round.nodes,
    f: round.f,
    p: round.p,
    rounds,
    seed,
    successes: tally.successes,
    successRate: tally.successes / rounds,
    ci95: wilson95(tally.successes, rounds),
    failures,
    safetyViolations: tally.safetyViolations,
    meanMessages: {
      sent: tally.sent / rounds,
      delivered: delivered / rounds,
      dropped: (tally.sent - delivered) / rounds,
      rejected: tally.rejected / rounds,
    },
    path,
    quorumRule: round.quorumRule,
    views: plan.views,
    meanViews: tally.viewsUsed / rounds,
    clientAccepts: tally.clientAccepts,
    clientAcceptRate: tally.clientAccepts / rounds,
  }
}

/** Plays every chunk of a plan in this thread, in order; `onChunk` gets each chunk's round count. */
export function runPlan(plan: SimulationPlan, signal?: AbortSignal, onChunk?: (rounds: number) => void): SimulationResult {
  const runChunk = createChunkRunner(plan)
  const tallies: SimulationTally[] = []
  for (let chunk = 0; chunk < plan.chunks; chunk++) {
    signal?.throwIfAborted()
    const tally = runChunk(chunk)
    tallies.push(tally)
    onChunk?.(tally.rounds)
  }
  return finishSimulation(plan, mergeTallies(tallies))
}

/** Plays `rounds` rounds in this thread (see `simulateParallel` in `@pbft/engine/node` for threads). */
export function simulate(options: SimulateOptions): SimulationResult {
  const plan = planSimulation(options)
  let done = 0
  return runPlan(plan, options.signal, (rounds) => {
    done += rounds
    options.onProgress?.(done, plan.rounds)
  })
}
