import { commitsNeeded, defaultFaultBound, preparesNeeded } from '@pbft/engine'
import { MESSAGE_TYPES, type FaultKind, type MessageType, type QuorumRule, type TracedMessage } from '@pbft/protocol'

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
  /** The primary of the view on show (`view mod N`). */
  primary: boolean
  /** The accepted proposal's value in the view on show: its PRE-PREPARE, or a later view's NEW-VIEW (an honest primary: its own proposal, if known). */
  accepted: string | null
  prepares: number
  commits: number
  /** Matching PREPAREs from others needed, its own vote as it stands at this point of the replay. */
  prepareQuorum: number
  commitQuorum: number
  /** Prepared in the view on show. */
  prepared: boolean
  /** Decided, in whichever view (final). */
  committed: boolean
  /** The value it decided (honest replicas), in whichever view. */
  decided: string | null
  /** Per message type: messages that reached this replica, were rejected, or were dropped on the way. */
  delivered: Record<MessageType, number>
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

const zeroTypes = (): Record<MessageType, number> => Object.fromEntries(MESSAGE_TYPES.map((type) => [type, 0])) as Record<MessageType, number>

/**
 * Whether a message shows its view has started: a proposal, PREPARE, COMMIT, NEW-VIEW or REPLY
 * of it. A VIEW-CHANGE names the view it asks for, and the client's REQUEST sent to everyone is
 * tagged with the next view before that view starts: neither does.
 */
function opensItsView(message: TracedMessage): boolean {
  return message.phase !== 'view-change' && message.phase !== 'request'
}

/** The view a replay has reached after `upto` messages. */
export function viewAt(trace: readonly TracedMessage[], upto: number): number {
  let view = 0
  const end = Math.max(0, Math.min(upto, trace.length))
  for (let index = 0; index < end; index++) {
    const message = trace[index] as TracedMessage
    if (opensItsView(message)) view = Math.max(view, message.view)
  }
  return view
}

export function replayCounters(trace: readonly TracedMessage[], upto: number, context: ReplayContext): ReplicaCounters[] {
  const f = context.f ?? defaultFaultBound(context.nodes)
  const rule = context.quorumRule ?? 'original'
  const nodes = context.nodes
  const honestAt = (id: number): boolean => (context.faults?.[id] ?? 'honest') === 'honest'
  const counters: ReplicaCounters[] = Array.from({ length: nodes }, (_, id) => ({
    id,
    honest: honestAt(id),
    primary: id === 0,
    accepted: id === 0 && honestAt(id) ? (context.proposal ?? null) : null,
    prepares: 0,
    commits: 0,
    prepareQuorum: 0,
    commitQuorum: 0,
    prepared: false,
    committed: false,
    decided: null,
    delivered: zeroTypes(),
    rejected: 0,
    dropped: 0,
  }))
  let view = 0
  /** Who had sent its vote of each phase in the view on show: a primary's prepare vote is its proposal. */
  let votedPrepare = new Set<number>()
  let votedCommit = new Set<number>()

  /** The engine's quorum rule, applied to what the engine marked as counted, in the view on show. */
  function settle(): void {
    for (const replica of counters) {
      replica.prepareQuorum = preparesNeeded(nodes, f, rule, { primary: replica.primary, voted: votedPrepare.has(replica.id) })
      replica.commitQuorum = commitsNeeded(nodes, f, rule, votedCommit.has(replica.id))
      replica.prepared = replica.honest && replica.accepted !== null && replica.prepares >= replica.prepareQuorum
      if (!replica.committed && replica.prepared && replica.commits >= replica.commitQuorum) {
        replica.committed = true
        replica.decided = replica.honest ? replica.accepted : null
      }
    }
  }

  /** A later view: its primary is `view mod N`, and its counts start again (decisions stay). */
  function enter(next: number): void {
    settle()
    view = next
    votedPrepare = new Set()
    votedCommit = new Set()
    for (const replica of counters) {
      replica.primary = replica.id === view % nodes
      replica.accepted = null
      replica.prepares = 0
      replica.commits = 0
      replica.prepared = false
    }
  }

  const end = Math.max(0, Math.min(upto, trace.length))
  for (let index = 0; index < end; index++) {
    const message = trace[index] as TracedMessage
    const messageView = message.view
    if (messageView > view && opensItsView(message)) enter(messageView)
    if (messageView === view) {
      if (message.phase === 'commit') votedCommit.add(message.from)
      else if (message.phase === 'prepare' || message.phase === 'pre-prepare' || message.phase === 'new-view') votedPrepare.add(message.from)
      // An honest new primary holds the value its NEW-VIEW re-proposes.
      const sender = counters[message.from]
      if (message.phase === 'new-view' && sender?.primary && sender.honest) sender.accepted = message.value
    }
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
    if (!message.counted || !replica.honest || messageView !== view) continue
    if (message.phase === 'pre-prepare' || message.phase === 'new-view') replica.accepted = message.deliveredValue ?? message.value
    else if (message.phase === 'prepare') replica.prepares++
    else if (message.phase === 'commit') replica.commits++
  }
  settle()
  return counters
}

/** The phase a message index belongs to, for the replay's progress label. */
export function phaseAt(trace: readonly TracedMessage[], upto: number): MessageType | null {
  if (upto <= 0 || trace.length === 0) return null
  return (trace[Math.min(upto, trace.length) - 1] as TracedMessage).phase
}

/** Where each phase starts in the trace (messages are in phase order). */
export function phaseStarts(trace: readonly TracedMessage[]): Partial<Record<MessageType, number>> {
  const starts: Partial<Record<MessageType, number>> = {}
  trace.forEach((message, index) => {
    if (starts[message.phase] === undefined) starts[message.phase] = index
  })
  return starts
}
