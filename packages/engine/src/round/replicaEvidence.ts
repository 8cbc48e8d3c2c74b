import { primaryOf } from './certificates'
import type { SignedRequest } from './evidence'
import type { Message } from './message'
import type { ReplicaState } from './replicaState'
import { ACCEPTED, ignored, type IgnoreReason, type ReceiveOutcome, type ViewEvidence } from './replicaTypes'

/**
 * What a replica does with the messages of a round with views besides the normal case: the
 * client's REQUEST, VIEW-CHANGEs and NEW-VIEWs (OSDI'99 §4.1, §4.4). The caller has checked
 * the sender, the MAC and the sequence number.
 */

/** The client's REQUEST: the replica now knows of it (its timer runs) and holds it signed. */
export function receiveRequest(state: ReplicaState, message: Message, views: ViewEvidence): ReceiveOutcome {
  const request: SignedRequest = { value: message.value, signature: message.signature ?? '' }
  if (views.checker.requestProblem(request) !== null) return ignored('invalid-request')
  state.request ??= request
  state.knows = true
  if (!state.isHonest) return ACCEPTED
  // PBFT replicas resend the reply of a request they executed when the client asks again.
  if (state.decided !== null) state.replyDue = true
  if (state.view === 0 && state.isPrimaryOf(0) && state.votes.accepted === null) {
    const { sequence, authenticator } = state.options
    state.acceptProposal(request.value, views.signatures.sign(state.id, 'pre-prepare', 0, sequence, authenticator.digest(request.value)))
  }
  return ACCEPTED
}

/** A VIEW-CHANGE: kept when valid and for a view above the replica's (Byzantine replicas keep them too, for their NEW-VIEW). */
export function receiveViewChange(state: ReplicaState, message: Message, views: ViewEvidence): ReceiveOutcome {
  const entry = message.viewChange
  if (entry === undefined || entry.from !== message.from || entry.view !== message.view || entry.value !== message.value) {
    return ignored('invalid-view-change', 'its fields differ from the VIEW-CHANGE it carries')
  }
  if (entry.view <= state.view) return ignored('stale-view-change')
  const problem = views.checker.viewChangeProblem(entry)
  if (problem !== null) return ignored('invalid-view-change', problem)
  const added = state.log.add(entry)
  if (added !== 'added') return ignored(added === 'stale' ? 'stale-view-change' : 'duplicate-sender')
  // A new primary re-proposes the request relayed in a VIEW-CHANGE (a relay starts no timer).
  state.request ??= entry.body.request
  return ACCEPTED
}

/**
 * A NEW-VIEW: an honest replica checks its set V and recomputes the re-proposal; it enters
 * the view with that value, or visibly refuses the NEW-VIEW (`invalid-new-view` when V does
 * not check, `wrong-re-proposal` when the value is not the one V determines).
 */
export function receiveNewView(state: ReplicaState, message: Message, views: ViewEvidence): ReceiveOutcome {
  if (!state.isHonest) return ignored('byzantine')
  const { from, view, value } = message
  if (from !== primaryOf(view, state.options.nodes)) return ignored('not-from-primary')
  if (view <= state.view) return ignored('wrong-view')
  const refuse = (reason: IgnoreReason, detail: string): ReceiveOutcome => {
    state.newViewStatus = { view, from, value, accepted: false, reason, detail }
    return ignored(reason, detail)
  }
  const body = message.newView
  if (body === undefined) return refuse('invalid-new-view', 'it carries no set V')
  const check = views.checker.newViewProblem(body, from, view)
  if (check.problem !== null || check.reProposal === null) return refuse('invalid-new-view', check.problem ?? 'no re-proposal')
  const digest = state.options.authenticator.digest(value)
  if (!views.checker.signed(from, 'pre-prepare', view, digest, body.prePrepare)) {
    return refuse('invalid-new-view', `its pre-prepare is not signed by ${from}`)
  }
  const expected = check.reProposal.value
  if (value !== expected) return refuse('wrong-re-proposal', `its set V re-proposes ${expected}, not ${value}`)
  state.enterView(view, value, body.prePrepare)
  state.request ??= body.request
  state.newViewStatus = { view, from, value, accepted: true, reason: null, detail: null }
  return ACCEPTED
}
