import type { ReplicaView } from '@pbft/protocol'
import type { Sentence } from './sentence'

/**
 * The phone's line for the steps views and the client add (issue 13): the client's request, the
 * replies, asking for a new primary, the new primary's collection and NEW-VIEW. Like the normal
 * case's lines, each says what the step means for this replica and why k messages are needed;
 * k comes from the view (the new primary's need, the client's f + 1), or from f when the phone
 * knows it. Null: not one of these steps.
 */
export function viewStepExplanation(view: ReplicaView, f: number | null = null): Sentence | null {
  const phase = view.phase
  const clientNeeds = view.client?.needed ?? (f === null ? null : f + 1)
  const withK = (key: Sentence['key'], k: number | null | undefined): Sentence | null => (k == null ? null : { key, params: { k }, count: k })
  // The timer ran out: whatever the phase, asking for a new primary is the step.
  if (view.canAskNewPrimary === true) return { key: 'participant.views.explain.ask' }
  const newPrimary = view.newPrimary ?? null
  if (phase === 'request') {
    return view.client?.requestDue ? withK('participant.views.explain.requestClient', clientNeeds) : { key: 'participant.views.explain.request' }
  }
  if (phase === 'reply') {
    return withK(view.snapshot?.committed === true && !view.isByzantine ? 'participant.views.explain.reply' : 'participant.views.explain.replyWait', clientNeeds)
  }
  if (phase === 'view-change') {
    if (newPrimary) return withK('participant.views.explain.collect', newPrimary.needed)
    return withK('participant.views.explain.wait', view.snapshot?.viewChange?.newViewNeeded)
  }
  if (phase === 'new-view') {
    if (newPrimary?.canSend) return withK(view.isByzantine ? 'participant.views.explain.sendByzantine' : 'participant.views.explain.send', newPrimary.needed)
    if (newPrimary) return withK('participant.views.explain.collect', newPrimary.needed)
    return { key: 'participant.views.explain.newViewWait' }
  }
  return null
}
