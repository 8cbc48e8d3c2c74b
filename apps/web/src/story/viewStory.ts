import type { ReplicaView, RoundOutcome, TracedMessage } from '@pbft/protocol'
import type { Sentence } from '../session/sentence'
import type { StoryInput } from './storyInput'
import { line, type StoryLine } from './storyLine'

/**
 * The view change in a finished round's story: in which view the value was decided and which
 * primaries were replaced, or how many views were tried (the projector); the same and the
 * client's replies for a phone. Classic and one-view rounds have none of these sentences.
 */

/**
 * The round could change views. A one-view round has a client too, but its story stays the
 * classic one (the client's replies show on its node), so that it keeps to the first screen.
 */
export function hasViews(outcome: RoundOutcome): boolean {
  return outcome.maxViews > 1 || outcome.viewChanges > 0
}

/** The messages of the view the round ended in: where a failure's why is read. */
export function lastViewTrace(input: StoryInput): readonly TracedMessage[] {
  if (!hasViews(input.outcome)) return input.trace
  return input.trace.filter((message) => message.view === input.outcome.view && message.phase !== 'view-change')
}

/** "It was decided in view 1, with replica 1 as primary; replica 0 had been replaced." */
export function tellViews(outcome: RoundOutcome): StoryLine[] {
  if (outcome.viewChanges === 0 || outcome.replacedPrimaries.length === 0) return []
  const replaced = { replicas: outcome.replacedPrimaries }
  if (outcome.outcome === 'success') return [line('viewDecided', { view: outcome.view, primary: { replicas: [outcome.primary] }, replaced })]
  return [line('viewsTried', { count: outcome.view + 1, replaced })]
}

/** The most distinct replicas whose counted REPLYs carry one value. */
export function matchingReplies(trace: readonly TracedMessage[]): number {
  const byValue = new Map<string, Set<number>>()
  for (const message of trace) {
    if (message.phase !== 'reply' || message.status !== 'delivered') continue
    const value = message.deliveredValue ?? message.value
    byValue.set(value, (byValue.get(value) ?? new Set()).add(message.from))
  }
  return Math.max(0, ...[...byValue.values()].map((from) => from.size))
}

/** Honest backups that refused the NEW-VIEW of the view on show: its value is not what its set V calls for. */
export function refusedNewView(trace: readonly TracedMessage[], honest: ReadonlySet<number>): number[] {
  const refused = new Set<number>()
  for (const message of trace) {
    if (message.phase !== 'new-view' || !honest.has(message.to)) continue
    if (message.ignoredReason === 'wrong-re-proposal' || message.ignoredReason === 'invalid-new-view') refused.add(message.to)
  }
  return [...refused].sort((a, b) => a - b)
}

/**
 * The same for a phone, in its terms: in which view it was decided and by whom, which primaries
 * were replaced, and for the client's seat what it accepted.
 */
export function tellPhoneViews(outcome: RoundOutcome, view: ReplicaView): Sentence[] {
  const said: Sentence[] = []
  const self = view.nodeId
  if (outcome.viewChanges > 0 && outcome.replacedPrimaries.length > 0) {
    said.push(
      outcome.outcome === 'success'
        ? { key: 'participant.views.story.view', params: { view: outcome.view }, who: { ids: [outcome.primary], self } }
        : { key: 'participant.views.story.viewsTried', params: { count: outcome.view + 1 } },
    )
    said.push({ key: 'participant.views.story.replaced', who: { ids: [...new Set(outcome.replacedPrimaries)], self } })
  }
  const client = view.client
  if (client && client.seat === self) {
    const count = Math.min(client.matching, client.needed)
    said.push(
      client.accepted && client.acceptedValue !== null
        ? { key: 'participant.views.story.clientAccepted', params: { count }, values: [client.acceptedValue] }
        : { key: 'participant.views.story.clientWaiting', params: { count, needed: client.needed } },
    )
  }
  return said
}
