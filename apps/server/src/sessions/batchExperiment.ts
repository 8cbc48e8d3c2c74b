import { createKernel, judgeRound, normalizeRound, Rng, successProbability, valueLabel, type FaultKind, type QuorumRule } from '@pbft/engine'
import type { BatchExperimentResponse } from '@pbft/protocol'
import { SessionError } from './errors'

export interface BatchParams {
  nodes: number
  /** Delivery probability in [0, 1]. */
  p: number
  faults: readonly FaultKind[]
  authentication: boolean
  rounds: number
  seed: number
  /** The session's rule: every round counts votes with it, and the theory value is its. */
  quorumRule: QuorumRule
  /** What the primary proposes: the values a violated round's failure names. */
  proposal: string
}

export type BatchResult = Omit<BatchExperimentResponse, 'sessionId' | 'durationMs'>

/** Messages one slice may send between two yields to the event loop (~10–20 ms of kernel work). */
const SLICE_MESSAGES = 1 << 19

function percent(rate: number): number {
  return Math.round(rate * 10_000) / 100
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * The original system's batch experiment, on the engine's message-level kernel: round r plays
 * with `new Rng(seed, r)`, so any round can be replayed alone. Rounds run in slices with a
 * yield to the event loop between them, so a big batch never stalls the sockets of a class.
 */
export async function runBatchExperiment(params: BatchParams): Promise<BatchResult> {
  const round = normalizeRound({
    nodes: params.nodes,
    p: params.p,
    faults: [...params.faults],
    authentication: params.authentication,
    quorumRule: params.quorumRule,
  })
  const kernel = createKernel(round)
  const { nodes, f } = round
  const perSlice = Math.max(1, Math.floor(SLICE_MESSAGES / (nodes * nodes)))
  const results: BatchResult['results'] = []
  const reasons = new Map<number, string | null>()
  let successCount = 0
  let safetyViolations = 0
  for (let r = 1; r <= params.rounds; r++) {
    const outcome = kernel.playRound(new Rng(params.seed, r))
    if (outcome.success) successCount++
    if (outcome.safetyViolation) safetyViolations++
    // Failure texts repeat: cache them by the set sizes (and, for a split decision, by the
    // values decided) instead of formatting each one. A split round's text names its values,
    // as the engine words it (judgeRound): it is never read as a success or a shortfall.
    const decided = outcome.outcome === 'safety-violated' ? outcome.decided.map((id) => valueLabel(id, params.proposal)) : []
    const key =
      decided.length > 0
        ? -1 - outcome.decided.reduce<number>((code, id) => code * 4 + id + 1, 0)
        : (outcome.npp * (nodes + 1) + outcome.np) * (nodes + 1) + outcome.nc
    let failureReason = reasons.get(key)
    if (failureReason === undefined) {
      failureReason = judgeRound(nodes, f, outcome.npp, outcome.np, outcome.nc, decided).failure?.reason ?? null
      reasons.set(key, failureReason)
    }
    results.push({
      round: r,
      success: outcome.success,
      messageCount: outcome.sent,
      failureReason,
      safetyViolation: outcome.safetyViolation,
      outcome: outcome.outcome,
    })
    if (r % perSlice === 0 && r < params.rounds) await yieldToEventLoop()
  }
  const allHonest = round.byzantineCount === 0
  return {
    nodes,
    messageDeliveryRate: percent(params.p),
    seed: params.seed,
    results,
    theoreticalSuccessRate: allHonest ? percent(successProbability(nodes, params.p, f, params.quorumRule)) : null,
    experimentalSuccessRate: percent(successCount / params.rounds),
    totalRounds: params.rounds,
    successCount,
    failureCount: params.rounds - successCount,
    safetyViolations,
    quorumRule: params.quorumRule,
  }
}

/** What batch experiments may cost (see BatchLimiter). */
export const BATCH_LIMITS = {
  /** rounds × N² of one request: 10^8 is ~1.5 s of sliced kernel work (10,000 rounds at N = 100). */
  maxWork: 1e8,
  /** Batches running at once in this process. */
  running: 2,
} as const

/**
 * Bounds the batch endpoint (host only: the route checks the token): rounds × N² ≤
 * BATCH_LIMITS.maxWork per request (400 VALIDATION), one batch at a time per session (409
 * BUSY), per client address and BATCH_LIMITS.running in the whole server (429 TOO_MANY_BATCHES).
 */
export class BatchLimiter {
  /** Client addresses with a batch experiment running (at most one each). */
  private readonly clients = new Set<string>()
  private readonly sessions = new Set<string>()

  /** Runs `batch` for `sessionId` of N = `nodes` on behalf of `client`, or refuses it. */
  async run<T>(sessionId: string, nodes: number, rounds: number, client: string, batch: () => Promise<T>): Promise<T> {
    const work = rounds * nodes * nodes
    if (work > BATCH_LIMITS.maxWork) {
      const most = Math.floor(BATCH_LIMITS.maxWork / (nodes * nodes))
      throw new SessionError(
        'VALIDATION',
        `query.rounds: at most ${most} rounds at N = ${nodes} (rounds × N² ≤ ${BATCH_LIMITS.maxWork.toExponential()}); use POST /api/experiments or the CLI for more`,
      )
    }
    if (this.sessions.has(sessionId)) throw new SessionError('BUSY', 'a batch experiment is already running for this session')
    if (this.clients.has(client)) throw new SessionError('TOO_MANY_BATCHES', 'a batch experiment of yours is still running: wait for it')
    if (this.clients.size >= BATCH_LIMITS.running) {
      throw new SessionError('TOO_MANY_BATCHES', `${BATCH_LIMITS.running} batch experiments are running on this server: retry in a few seconds`)
    }
    this.sessions.add(sessionId)
    this.clients.add(client)
    try {
      return await batch()
    } finally {
      this.sessions.delete(sessionId)
      this.clients.delete(client)
    }
  }
}
