import { byzantineQuorum, quorumThresholds } from '@pbft/engine'
import type { QuorumRule } from '@pbft/protocol'

/**
 * What a replica that casts its own votes needs in each phase under the round's rule (the
 * engine's thresholds): what the projector explains while a phase runs. Original: 2f matching
 * messages from others in both phases. Castro–Liskov: a backup needs Q − 2 PREPAREs from other
 * backups (its own and the primary's proposal make Q), and Q − 1 COMMITs from others.
 */
export interface PhaseQuorums {
  rule: QuorumRule
  prepare: number
  commit: number
  /** Votes in a certificate, the replica's own included (Castro–Liskov's Q; 2f under the original rule). */
  total: number
}

export function phaseQuorums(nodes: number, f: number, rule: QuorumRule): PhaseQuorums {
  const thresholds = quorumThresholds(nodes, f, rule)
  return {
    rule,
    prepare: thresholds.backupPrepares,
    commit: thresholds.commits,
    total: rule === 'original' ? thresholds.commits : byzantineQuorum(nodes, f),
  }
}
