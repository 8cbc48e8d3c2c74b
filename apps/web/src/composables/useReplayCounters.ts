import { commitsNeeded, defaultFaultBound, preparesNeeded } from '@pbft/engine'
import type { FaultKind, Phase, QuorumRule, TracedMessage } from '@pbft/protocol'

/**
 * What each replica had counted after the first `upto` messages of a round's trace, derived
 * from the trace alone (the engine's `counted` flags), the round's faults and its quorum rule:
 * the counters a replay shows as they evolve. Which message counted is the engine's verdict, and
 * what a replica needs is the engine's (`preparesNeeded`, `commitsNeeded`) for the round's rule,
 * with its own vote counted once the trace shows it sent it, as the live snapshots do
 * (`prepareQuorum`, `commitQuorum`). Byzantine replicas count nothing.
 */

export interface ReplicaCounters {
  id: number
  honest: boolean
  primary: boolean
  /** The accepted pre-prepare's value (an honest primary: its own proposal, if known). */
  accepted: string | null
  prepares: number
  commits: number
  /** Matching PREPAREs from others needed, its own vote as it stands at this point of the replay. */
  prepareQuorum: number
  commitQuorum: number
  prepared: boolean
  committed: boolean
  /** Per phase: messages that reached this replica, were rejected, or were dropped on the way. */
  delivered: Record<Phase, number>
  rejected: number
  dropped: number
}

export interface ReplayContext {
  nodes: number
  faults?: readonly FaultKind[]
  /** The value an honest primary proposes (from the round record). */
  proposal?: string | null
  f?: number
  /** The round's rule (its record's `quorumRule`; original when unknown). */
  quorumRule?: QuorumRule
}

const zeroPhases = (): Record<Phase, number> => ({ 'pre-prepare': 0, prepare: 0, commit: 0 })

export function replayCounters(trace: readonly TracedMessage[], upto: number, context: ReplayContext): ReplicaCounters[] {
  const f = context.f ?? defaultFaultBound(context.nodes)
  const rule = context.quorumRule ?? 'original'
  const counters: ReplicaCounters[] = Array.from({ length: context.nodes }, (_, id) => {
    const honest = (context.faults?.[id] ?? 'honest') === 'honest'
    return {
      id,
      honest,
      primary: id === 0,
      accepted: id === 0 && honest ? (context.proposal ?? null) : null,
      prepares: 0,
      commits: 0,
      prepareQuorum: 0,
      commitQuorum: 0,
      prepared: false,
      committed: false,
      delivered: zeroPhases(),
      rejected: 0,
      dropped: 0,
    }
  })
  const end = Math.max(0, Math.min(upto, trace.length))
  /** Who had sent its vote of each phase by now: the primary's prepare vote is its pre-prepare. */
  const votedPrepare = new Set<number>()
  const votedCommit = new Set<number>()
  for (let index = 0; index < end; index++) {
    const message = trace[index] as TracedMessage
    if (message.phase === 'commit') votedCommit.add(message.from)
    else if (message.phase === 'prepare' || message.from === 0) votedPrepare.add(message.from)
    const replica = counters[message.to]
    if (!replica) continue
    if (message.status === 'dropped') {
      replica.dropped++
      continue
    }
    if (message.status === 'rejected') {
      replica.rejected++
      continue
    }
    replica.delivered[message.phase]++
    if (!message.counted || !replica.honest) continue
    if (message.phase === 'pre-prepare') replica.accepted = message.deliveredValue ?? message.value
    else if (message.phase === 'prepare') replica.prepares++
    else replica.commits++
  }
  for (const replica of counters) {
    // The engine's quorum rule, applied to what the engine marked as counted.
    replica.prepareQuorum = preparesNeeded(context.nodes, f, rule, { primary: replica.primary, voted: votedPrepare.has(replica.id) })
    replica.commitQuorum = commitsNeeded(context.nodes, f, rule, votedCommit.has(replica.id))
    replica.prepared = replica.honest && replica.accepted !== null && replica.prepares >= replica.prepareQuorum
    replica.committed = replica.prepared && replica.commits >= replica.commitQuorum
  }
  return counters
}

/** The phase a message index belongs to, for the replay's progress label. */
export function phaseAt(trace: readonly TracedMessage[], upto: number): Phase | null {
  if (upto <= 0 || trace.length === 0) return null
  return (trace[Math.min(upto, trace.length) - 1] as TracedMessage).phase
}

/** Where each phase starts in the trace (messages are in phase order). */
export function phaseStarts(trace: readonly TracedMessage[]): Partial<Record<Phase, number>> {
  const starts: Partial<Record<Phase, number>> = {}
  trace.forEach((message, index) => {
    if (starts[message.phase] === undefined) starts[message.phase] = index
  })
  return starts
}
