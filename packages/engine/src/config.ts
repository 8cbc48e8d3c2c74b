import { DEFAULT_QUORUM_RULE, defaultFaultBound, isQuorumRule, QUORUM_RULES, type QuorumRule } from './quorum'

/** How one replica behaves. Everything but `honest` counts as Byzantine. */
export const FAULT_KINDS = ['honest', 'silent', 'wrong-value', 'equivocate', 'tamper'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

/** Per-replica faults: a full array, or a sparse map from replica id to kind (others honest). */
export type FaultSpec = readonly FaultKind[] | Readonly<Record<number, FaultKind>>

/** Per directed link delivery probabilities: `links[from][to]`, an N×N matrix (diagonal unused). */
export type LinkMatrix = readonly (readonly number[])[]

/** What a round (or a Monte-Carlo run of rounds) is played with. */
export interface RoundConfig {
  nodes: number
  /** Fault bound; defaults to floor((N - 1) / 3). */
  f?: number
  /** Homogeneous per-message delivery probability (default 1). Ignored when `links` is set. */
  p?: number
  links?: LinkMatrix
  faults?: FaultSpec
  /** Authenticate messages (default true): tampered messages are then detected and rejected. */
  authentication?: boolean
  /** The primary's proposal (default 'v'). */
  proposal?: string
  view?: number
  sequence?: number
  /** How replicas count votes (default 'original'); see `quorum.ts`. */
  quorumRule?: QuorumRule
  /**
   * Rounds with views: the delivery probability of the client's links (its re-broadcast
   * REQUESTs and the REPLYs). Default: `p`, or 1 with a link matrix. The first REQUEST, to
   * the primary, is never lost (the primary always holds the proposal).
   */
  clientP?: number
}

/** A validated round configuration with defaults filled in and links as flat thresholds. */
export interface NormalizedRound {
  nodes: number
  f: number
  /** Homogeneous p, or null when a link matrix is in use. */
  p: number | null
  /** Row-major N×N delivery probabilities (`linkProb[from * N + to]`). */
  linkProb: Float64Array
  faults: FaultKind[]
  byzantineCount: number
  authentication: boolean
  proposal: string
  view: number
  sequence: number
  quorumRule: QuorumRule
  /** Delivery probability of the client's links (rounds with views). */
  clientP: number
}

/** Thrown for a configuration no round can be played with; the message says what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

function checkProbability(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(`${what} must be a probability in [0, 1], got ${value}`)
  }
}

/** Validates a round configuration and fills in its defaults. */
export function normalizeRound(config: RoundConfig): NormalizedRound {
  const n = config.nodes
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`nodes must be an integer >= 1, got ${n}`)
  const f = config.f ?? defaultFaultBound(n)
  if (!Number.isInteger(f) || f < 0 || f >= n) {
    throw new ConfigError(`f must be an integer in [0, ${n - 1}], got ${f}`)
  }
  let linkProb: Float64Array | null = null
  let p: number | null = null
  if (config.links) {
    if (config.links.length !== n) throw new ConfigError(`links must be an ${n}×${n} matrix`)
    const matrix = new Float64Array(n * n)
    linkProb = matrix
    config.links.forEach((row, from) => {
      if (row.length !== n) throw new ConfigError(`links row ${from} must have ${n} entries`)
      row.forEach((value, to) => {
        checkProbability(value, `links[${from}][${to}]`)
        matrix[from * n + to] = value
      })
    })
  } else {
    p = config.p ?? 1
    checkProbability(p, 'p')
  }
  const homogeneous = p ?? 1
  const clientP = config.clientP ?? homogeneous
  checkProbability(clientP, 'clientP')
  const faults = normalizeFaults(config.faults, n)
  const quorumRule = config.quorumRule ?? DEFAULT_QUORUM_RULE
  if (!isQuorumRule(quorumRule)) {
    throw new ConfigError(`quorumRule must be ${QUORUM_RULES.map((rule) => `'${rule}'`).join(' or ')}, got "${String(quorumRule)}"`)
  }
  return {
    nodes: n,
    f,
    p,
    // Built on first use: N² doubles (800 MB at N = 10,000) that the fast path never reads.
    get linkProb(): Float64Array {
      linkProb ??= new Float64Array(n * n).fill(homogeneous)
      return linkProb
    },
    faults,
    byzantineCount: faults.filter((k) => k !== 'honest').length,
    authentication: config.authentication ?? true,
    proposal: config.proposal ?? 'v',
    view: config.view ?? 0,
    sequence: config.sequence ?? 1,
    quorumRule,
    clientP,
  }
}

function normalizeFaults(spec: FaultSpec | undefined, n: number): FaultKind[] {
  const faults: FaultKind[] = new Array<FaultKind>(n).fill('honest')
  if (!spec) return faults
  const entries: [number, FaultKind][] = Array.isArray(spec)
    ? (spec as readonly FaultKind[]).map((kind, id) => [id, kind])
    : Object.entries(spec).map(([id, kind]) => [Number(id), kind as FaultKind])
  if (Array.isArray(spec) && spec.length !== n) {
    throw new ConfigError(`faults must list ${n} replicas, got ${spec.length}`)
  }
  for (const [id, kind] of entries) {
    if (!Number.isInteger(id) || id < 0 || id >= n) throw new ConfigError(`fault for unknown replica ${id}`)
    if (!FAULT_KINDS.includes(kind)) throw new ConfigError(`unknown fault kind "${String(kind)}" for replica ${id}`)
    faults[id] = kind
  }
  return faults
}
