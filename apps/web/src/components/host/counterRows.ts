import type { FaultKind, Phase, ReplicaSnapshot } from '@pbft/protocol'
import type { ReplicaCounters } from '../../composables/useReplayCounters'

/** One replica's line in the counters table, from a live snapshot or a replay. */
export interface CounterRow {
  id: number
  honest: boolean
  fault: FaultKind
  primary: boolean
  accepted: string | null
  prepares: number
  commits: number
  /** Matching PREPAREs from others this replica needs (its rule, its own vote as it stands). */
  prepareQuorum: number
  /** Matching COMMITs from others this replica needs. */
  commitQuorum: number
  prepared: boolean
  committed: boolean
  /** The value it committed (honest replicas only). */
  decided: string | null
  pending: boolean
  /** Its view timer runs: it knows of the client's request and has not decided (rounds with views). */
  timerRunning?: boolean
}

export function rowsFromSnapshots(replicas: readonly ReplicaSnapshot[], pending: readonly number[] = []): CounterRow[] {
  const waiting = new Set(pending)
  return replicas.map((replica) => ({
    id: replica.id,
    honest: replica.fault === 'honest',
    fault: replica.fault,
    primary: replica.primary,
    accepted: replica.acceptedValue,
    prepares: replica.prepareCount,
    commits: replica.commitCount,
    prepareQuorum: replica.prepareQuorum,
    commitQuorum: replica.commitQuorum,
    prepared: replica.prepared,
    committed: replica.committed,
    decided: replica.fault === 'honest' && replica.committed ? (replica.decidedValue ?? replica.acceptedValue) : null,
    pending: waiting.has(replica.id),
    timerRunning: replica.timerRunning ?? false,
  }))
}

/** `faults`: the round's fault per replica (a replay knows them from the round record). */
export function rowsFromReplay(counters: readonly ReplicaCounters[], faults: readonly FaultKind[]): CounterRow[] {
  return counters.map((replica) => ({
    id: replica.id,
    honest: replica.honest,
    fault: faults[replica.id] ?? 'honest',
    primary: replica.primary,
    accepted: replica.accepted,
    prepares: replica.prepares,
    commits: replica.commits,
    prepareQuorum: replica.prepareQuorum,
    commitQuorum: replica.commitQuorum,
    prepared: replica.prepared,
    committed: replica.committed,
    decided: replica.decided,
    pending: false,
  }))
}

/** What a replica needs in a phase: its prepare quorum, or its commit quorum. */
export function quorumIn(row: Pick<CounterRow, 'prepareQuorum' | 'commitQuorum'>, phase: Exclude<Phase, 'pre-prepare'>): number {
  return phase === 'prepare' ? row.prepareQuorum : row.commitQuorum
}
