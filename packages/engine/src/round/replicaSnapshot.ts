import { viewChangesNeeded, weakQuorum } from '../quorum'
import type { ReplicaState } from './replicaState'
import type { ReplicaSnapshot } from './replicaTypes'

const ascending = (ids: Iterable<number>): number[] => [...ids].sort((a, b) => a - b)

/** A replica's state and counters as plain, JSON-serialisable data (what a phone shows). */
export function snapshotOf(state: ReplicaState): ReplicaSnapshot {
  const { votes, certificate, log, views } = state
  const { nodes, f, quorumRule } = state.options
  const ownVotes = quorumRule !== 'original' && state.isHonest
  const withViews = views !== undefined
  return {
    id: state.id,
    fault: state.fault,
    primary: state.isPrimaryOf(state.view),
    acceptedValue: votes.accepted,
    prepareSenders: ascending(votes.prepareSenders),
    commitSenders: ascending(votes.commitSenders),
    prepareCount: votes.prepareSenders.size,
    commitCount: votes.commitSenders.size,
    quorum: votes.prepareQuorum,
    quorumRule,
    prepareQuorum: votes.prepareQuorum,
    commitQuorum: votes.commitQuorum,
    ownPrepareCounted: ownVotes && votes.ownPrepare,
    ownCommitCounted: ownVotes && votes.ownCommit,
    prepared: votes.prepared,
    committed: state.decided !== null,
    decidedValue: state.decided,
    received: { ...state.received },
    rejected: { ...state.rejected },
    ignored: { ...state.ignoredCounts },
    view: state.view,
    knowsRequest: withViews && state.knows,
    timerRunning: withViews && state.isHonest && state.knows && state.decided === null,
    preparedCertificate: certificate && { view: certificate.view, value: certificate.value, prepares: certificate.prepares.map((vote) => vote.from) },
    viewChange:
      log.target < 0
        ? null
        : {
            view: log.target,
            senders: ascending(log.received.keys()),
            sent: log.own !== null,
            joinNeeded: weakQuorum(f),
            newViewNeeded: viewChangesNeeded(nodes, f, quorumRule),
          },
    newView: state.newViewStatus && { ...state.newViewStatus },
    replyDue: state.replyDue,
  }
}
