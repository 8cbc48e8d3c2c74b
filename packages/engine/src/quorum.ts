/**
 * The PBFT quorum rules, in one place. Every implementation (the replica state machine,
 * the Monte-Carlo kernels and the exact theory) asks these functions.
 *
 * Two rules (see packages/engine/README.md and shared/MODEL.md):
 * - `original`: the original system's rule, the default. A replica never counts its own vote:
 *   it needs 2f matching PREPAREs (then COMMITs) from distinct *other* replicas, and an honest
 *   primary sends no PREPARE. At N = 3f + 1 this tolerates only f - 1 silent backups.
 * - `castro-liskov` (OSDI'99 §4.2): certificates of Q = ceil((N + f + 1) / 2) distinct voters.
 *   The primary's PRE-PREPARE stands for its vote and a replica's own PREPARE or COMMIT counts
 *   once it has sent it, so a backup needs Q - 2 PREPAREs from other backups, the primary
 *   Q - 1, and a commit Q - 1 COMMITs from others. Any two quorums share f + 1 replicas for
 *   every N >= 3f + 1, which is what makes it safe with f Byzantine replicas.
 */

/** The quorum rules, the default first. */
export const QUORUM_RULES = ['original', 'castro-liskov'] as const
export type QuorumRule = (typeof QUORUM_RULES)[number]
/** The rule of the original system and of its published numbers: the default everywhere. */
export const DEFAULT_QUORUM_RULE: QuorumRule = 'original'

/** True for 'original' and 'castro-liskov' (values arrive from JSON, flags and forms). */
export function isQuorumRule(value: unknown): value is QuorumRule {
  return typeof value === 'string' && (QUORUM_RULES as readonly string[]).includes(value)
}

/** The default fault bound for N replicas: f = floor((N - 1) / 3). */
export function defaultFaultBound(nodes: number): number {
  return Math.floor((nodes - 1) / 3)
}

/** Matching PREPAREs (or COMMITs) needed from distinct *other* replicas under the original rule: 2f. */
export function quorumFromOthers(f: number): number {
  return 2 * f
}

/** Replicas that must commit for the round to succeed (metric A): N - f. */
export function successThreshold(nodes: number, f: number): number {
  return nodes - f
}

/** True when `matching` messages from distinct other replicas reach the original rule's 2f quorum. */
export function reachesQuorum(matching: number, f: number): boolean {
  return matching >= 2 * f
}

/** The Byzantine quorum of Castro and Liskov: Q = ceil((N + f + 1) / 2), 2f + 1 at N = 3f + 1. */
export function byzantineQuorum(nodes: number, f: number): number {
  return Math.ceil((nodes + f + 1) / 2)
}

/** Who is asking, for the prepare certificate: the primary or a backup. */
export interface Voter {
  primary: boolean
  /**
   * Whether the replica has sent its own vote of the phase (a backup its PREPARE, the primary
   * its PRE-PREPARE, anyone its COMMIT). Only the castro-liskov rule counts it, and only once
   * sent: a live human who never acts does not vote.
   */
  voted: boolean
}

/**
 * Matching PREPAREs from distinct other replicas a replica needs to be prepared.
 * Original: 2f. Castro–Liskov: Q members in {primary} ∪ {itself, once voted} ∪ {other
 * backups}; a backup gets the primary's vote from the pre-prepare it accepted, so it needs
 * Q - 1 - (voted ? 1 : 0) other backups; the primary needs Q - (voted ? 1 : 0) backups.
 */
export function preparesNeeded(nodes: number, f: number, rule: QuorumRule, voter: Voter): number {
  if (rule === 'original') return quorumFromOthers(f)
  const own = voter.voted ? 1 : 0
  return byzantineQuorum(nodes, f) - own - (voter.primary ? 0 : 1)
}

/** Matching COMMITs from distinct other replicas needed to commit: 2f, or Q minus the own COMMIT once sent. */
export function commitsNeeded(nodes: number, f: number, rule: QuorumRule, voted: boolean): number {
  if (rule === 'original') return quorumFromOthers(f)
  return byzantineQuorum(nodes, f) - (voted ? 1 : 0)
}

/**
 * Whether a PREPARE from `sender` counts at all. Under castro-liskov the primary's vote is its
 * PRE-PREPARE, so a (Byzantine) primary's PREPARE adds nothing; the original rule counts it.
 */
export function countsPrepareFrom(rule: QuorumRule, sender: number, primary = 0): boolean {
  return rule === 'original' || sender !== primary
}

/**
 * The thresholds of the closed form (MODEL.md), for replicas that send their own messages
 * (bots and the Monte-Carlo always do): a replica hearing from m others is prepared (committed)
 * with probability T(m, threshold; p).
 */
export interface QuorumThresholds {
  /** PREPAREs from the backups in V_pp the primary needs (q0). */
  primaryPrepares: number
  /** PREPAREs from the other backups in V_pp a backup needs (q1). */
  backupPrepares: number
  /** COMMITs from the other members of V_p a prepared replica needs (q2). */
  commits: number
}

/** Original: 2f, 2f, 2f. Castro–Liskov: Q - 1, Q - 2, Q - 1. */
export function quorumThresholds(nodes: number, f: number, rule: QuorumRule = DEFAULT_QUORUM_RULE): QuorumThresholds {
  return {
    primaryPrepares: preparesNeeded(nodes, f, rule, { primary: true, voted: true }),
    backupPrepares: preparesNeeded(nodes, f, rule, { primary: false, voted: true }),
    commits: commitsNeeded(nodes, f, rule, true),
  }
}

/**
 * VIEW-CHANGEs from distinct *other* replicas the new primary needs before it sends NEW-VIEW
 * (OSDI'99 §4.4: "2f valid view-change messages from other replicas", its own making 2f + 1).
 * Original: 2f. Castro–Liskov: Q - 1, so that V, the new primary's own included, is a quorum.
 */
export function viewChangesNeeded(nodes: number, f: number, rule: QuorumRule): number {
  return rule === 'original' ? quorumFromOthers(f) : byzantineQuorum(nodes, f) - 1
}

/**
 * Matching messages from distinct replicas that show at least one honest replica stands
 * behind them: f + 1. A replica joins a view change on f + 1 VIEW-CHANGEs; the client accepts
 * a result on f + 1 matching REPLYs.
 */
export function weakQuorum(f: number): number {
  return f + 1
}

/**
 * Signed PREPAREs a prepared certificate must show to a third party, who checks that its
 * holder could have been prepared. Original: 2f from replicas other than the holder (a
 * Byzantine primary's PREPARE included). Castro–Liskov: Q - 1 from backups of that view, the
 * holder's own included (the primary's vote is the signed pre-prepare).
 */
export function certificateVotesNeeded(nodes: number, f: number, rule: QuorumRule): number {
  return rule === 'original' ? quorumFromOthers(f) : byzantineQuorum(nodes, f) - 1
}
