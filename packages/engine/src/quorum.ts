/**
 * The PBFT quorum rules, in one place. Every implementation (the replica state machine,
 * the Monte-Carlo kernels and the exact theory) asks these functions.
 */

/** The default fault bound for N replicas: f = floor((N - 1) / 3). */
export function defaultFaultBound(nodes: number): number {
  return Math.floor((nodes - 1) / 3)
}

/** Matching PREPAREs (or COMMITs) needed from distinct *other* replicas: 2f. */
export function quorumFromOthers(f: number): number {
  return 2 * f
}

/** Replicas that must commit for the round to succeed (metric A): N - f. */
export function successThreshold(nodes: number, f: number): number {
  return nodes - f
}

/** True when `matching` messages from distinct other replicas reach the 2f quorum. */
export function reachesQuorum(matching: number, f: number): boolean {
  return matching >= 2 * f
}
