import { reProposal } from './certificates'
import { newViewDigest, type NewViewBody, type SignedViewChange } from './evidence'
import type { Message, MessageType } from './message'
import type { ReplicaState } from './replicaState'
import type { ViewEvidence } from './replicaTypes'
import { byzantineValue, newViewBody, signViewChange } from './viewChangeLog'

/**
 * What a human Byzantine replica chose for each recipient; null keeps the protocol's value
 * (honest) or its fault kind's (Byzantine). LiveRound refuses deviations from honest replicas.
 */
export interface Deviation {
  /** The value sent to `to` (a VIEW-CHANGE: a value claimed without a certificate). */
  value(to: number): string | null
  /** NEW-VIEW: the senders whose VIEW-CHANGEs go into the set V sent to `to` (its own always does). */
  viewChanges(to: number): readonly number[] | null
}

/** The messages of a replica that sends in `phase` of `view` (the caller checked that it does). */
export function outgoingMessages(
  state: ReplicaState,
  phase: MessageType,
  recipients: readonly number[],
  view: number,
  deviation: Deviation | undefined,
): Message[] {
  if (phase === 'view-change' || phase === 'new-view') {
    const views = state.views
    if (views === undefined) throw new RangeError(`a round without views has no ${phase}`)
    return phase === 'view-change' ? viewChangeMessages(state, views, recipients, view, deviation) : newViewMessages(state, views, recipients, view, deviation)
  }
  return normalMessages(state, phase, recipients, view, deviation)
}

/** PRE-PREPARE, PREPARE, COMMIT and REPLY: one value per recipient, signed with views. */
function normalMessages(state: ReplicaState, phase: MessageType, recipients: readonly number[], view: number, deviation: Deviation | undefined): Message[] {
  const { id, isHonest, views, votes } = state
  const { sequence, authenticator, proposal } = state.options
  const signatures = new Map<string, string>()
  const signatureOf = (value: string): string | undefined => {
    if (views === undefined) return undefined
    let signature = signatures.get(value)
    if (signature === undefined) {
      signature = views.signatures.sign(id, phase, view, sequence, authenticator.digest(value))
      signatures.set(value, signature)
    }
    return signature
  }
  // `sends` implies that an honest sender has accepted (or, to reply, decided) a value.
  const honestValue = isHonest ? (phase === 'reply' ? state.decided : votes.accepted) : null
  if (phase === 'reply') state.replyDue = false
  else if (phase === 'commit') votes.voteCommit()
  else votes.votePrepare(id, honestValue === null ? undefined : signatureOf(honestValue))
  state.settle()
  return recipients.map((to) => {
    const value = deviation?.value(to) ?? honestValue ?? byzantineValue(state.fault, proposal, proposal, to)
    return authenticator.sign({ phase, view, sequence, value, from: id, to, signature: signatureOf(value) })
  })
}

/** VIEW-CHANGE: the same signed VIEW-CHANGE to everyone, unless a Byzantine claims values without proof. */
function viewChangeMessages(state: ReplicaState, views: ViewEvidence, recipients: readonly number[], view: number, deviation: Deviation | undefined): Message[] {
  const { id, isHonest } = state
  const { sequence, authenticator } = state.options
  // Byzantine replicas carry no certificate: a genuine one could only help the honest side.
  const own = signViewChange(views.signatures, sequence, id, view, isHonest ? state.certificate : null, state.request)
  state.log.sent(own)
  const claims = new Map<string, SignedViewChange>()
  return recipients.map((to) => {
    const claimed = deviation?.value(to) ?? null
    let entry = own
    if (claimed !== null && claimed !== own.value) {
      entry = claims.get(claimed) ?? signViewChange(views.signatures, sequence, id, view, null, state.request, claimed)
      claims.set(claimed, entry)
    }
    return authenticator.sign({ phase: 'view-change', view, sequence, value: entry.value, from: id, to, signature: entry.signature, viewChange: entry })
  })
}

/**
 * NEW-VIEW: the set V (its own VIEW-CHANGE and every valid one it holds, or the subset a
 * Byzantine chose) and the re-proposal V determines; an honest new primary then enters the
 * view with that value, its NEW-VIEW standing for its PRE-PREPARE.
 */
function newViewMessages(state: ReplicaState, views: ViewEvidence, recipients: readonly number[], view: number, deviation: Deviation | undefined): Message[] {
  const { id, isHonest, log } = state
  const { sequence, authenticator, proposal } = state.options
  const own = log.sentFor(view) && log.own !== null ? log.own : signViewChange(views.signatures, sequence, id, view, isHonest ? state.certificate : null, state.request)
  log.sent(own)
  const digestOf = (value: string): string => authenticator.digest(value)
  const sets = new Map<string, SignedViewChange[]>()
  const bodies = new Map<string, NewViewBody>()
  const messages = recipients.map((to) => {
    const only = deviation?.viewChanges(to) ?? null
    const key = only === null ? '*' : [...only].sort((a, b) => a - b).join(',')
    let set = sets.get(key)
    if (set === undefined) {
      set = log.setFor(view, own, only)
      sets.set(key, set)
    }
    const base = reProposal(set, state.request)?.value ?? proposal
    const value = isHonest ? base : (deviation?.value(to) ?? byzantineValue(state.fault, base, proposal, to))
    let body = bodies.get(`${key}|${value}`)
    if (body === undefined) {
      body = newViewBody(views.signatures, sequence, id, view, set, state.request, value, digestOf)
      bodies.set(`${key}|${value}`, body)
    }
    const signature = views.signatures.sign(id, 'new-view', view, sequence, newViewDigest(value, body).hex)
    return authenticator.sign({ phase: 'new-view', view, sequence, value, from: id, to, signature, newView: body })
  })
  if (isHonest) {
    const value = reProposal(log.setFor(view, own, null), state.request)?.value ?? proposal
    state.enterView(view, value, views.signatures.sign(id, 'pre-prepare', view, sequence, digestOf(value)))
    state.votes.votePrepare(id, undefined)
    state.settle()
  }
  return messages
}
