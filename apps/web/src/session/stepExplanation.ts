import type { ReplicaView } from '@pbft/protocol'
import type { Sentence } from './sentence'
import { viewStepExplanation } from './viewStepExplanation'

/**
 * The one line a phone shows under the step: what this step means for this replica, and why k
 * matching messages are needed. k is the replica's own quorum from its snapshot (it differs with
 * the quorum rule, and between the primary and the backups under some rules): never assumed.
 * Byzantine replicas count nothing, so their line says what the honest ones need instead. The
 * steps of views and the client have their own lines (viewStepExplanation); `f`, when the phone
 * knows it, gives the client's f + 1.
 */
export function stepExplanation(view: ReplicaView, f: number | null = null): Sentence | null {
  if (view.round === null || view.phase === null) return { key: 'participant.node.explain.waiting' }
  if (view.phase === 'done') return null
  const phase = view.phase
  if (phase === 'request' || phase === 'reply' || phase === 'view-change' || phase === 'new-view' || view.canAskNewPrimary === true) return viewStepExplanation(view, f)
  const primary = view.role === 'primary'
  if (phase === 'pre-prepare') {
    if (!primary) return { key: 'participant.node.explain.prePrepareBackup' }
    return { key: view.isByzantine ? 'participant.node.explain.byzantine.prePreparePrimary' : 'participant.node.explain.prePreparePrimary' }
  }
  const snapshot = view.snapshot
  if (snapshot === null) return null
  // Each phase has its own quorum (castro-liskov: a commit needs one more than a backup's prepare).
  const k = view.phase === 'prepare' ? snapshot.prepareQuorum : snapshot.commitQuorum
  const withK = (key: Sentence['key']): Sentence => ({ key, params: { k }, count: k })
  if (view.isByzantine) return withK(view.phase === 'prepare' ? 'participant.node.explain.byzantine.prepare' : 'participant.node.explain.byzantine.commit')
  if (view.phase === 'prepare') {
    if (primary) return withK('participant.node.explain.preparePrimary')
    if (snapshot.acceptedValue === null) return { key: 'participant.node.explain.prepareNothing' }
    // The others may be quicker: the quorum can be reached before this replica sends its own.
    return withK(snapshot.prepared ? 'participant.node.explain.prepareReady' : 'participant.node.explain.prepareBackup')
  }
  if (!snapshot.prepared) return withK('participant.node.explain.commitNotPrepared')
  return withK(snapshot.committed ? 'participant.node.explain.commitDecided' : 'participant.node.explain.commit')
}
