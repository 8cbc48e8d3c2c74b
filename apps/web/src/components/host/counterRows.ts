import type { ReplicaSnapshot } from '@pbft/protocol'
import type { ReplicaCounters } from '../../composables/useReplayCounters'

/** One replica's line in the counters table, from a live snapshot or a replay. */
export interface CounterRow {
  id: number
  honest: boolean
  primary: boolean
  accepted: string | null
  prepares: number
  commits: number
  quorum: number
  prepared: boolean
  committed: boolean
  pending: boolean
}

export function rowsFromSnapshots(replicas: readonly ReplicaSnapshot[], pending: readonly number[] = []): CounterRow[] {
  const waiting = new Set(pending)
  return replicas.map((replica) => ({
    id: replica.id,
    honest: replica.fault === 'honest',
    primary: replica.primary,
    accepted: replica.acceptedValue,
    prepares: replica.prepareCount,
    commits: replica.commitCount,
    quorum: replica.quorum,
    prepared: replica.prepared,
    committed: replica.committed,
    pending: waiting.has(replica.id),
  }))
}

export function rowsFromReplay(counters: readonly ReplicaCounters[]): CounterRow[] {
  return counters.map((replica) => ({ ...replica, pending: false }))
}
