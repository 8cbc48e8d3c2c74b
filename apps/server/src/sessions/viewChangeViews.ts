import { viewChangesNeeded } from '@pbft/engine'
import type { ClientView, NewPrimaryView, ReplicaView, ViewTimer } from '@pbft/protocol'
import type { RoundRunner } from './roundRunner'
import type { Session } from './session'
import { viewChangeStep } from './viewSteps'

/**
 * The parts of the views that show views and the client (issue 13): the view clock, the
 * client's replies, what the new primary collects, and whether a seat may ask for a new
 * primary.
 */

/** The primary of the view on show: `view mod N` (replica 0 without a round). */
export function primaryOnShow(session: Session): number {
  return session.run?.live.primary ?? 0
}

/** The clock of the view being played; null once the round is over, or in a classic round. */
export function viewTimerOf(session: Session): ViewTimer | null {
  const run = session.run
  const clock = run?.viewClock
  if (!run || !clock || !session.running) return null
  return { ...clock, expired: run.viewTimerExpired() }
}

/** The client's state ("k of f + 1 matching replies"); null in a classic round. */
export function clientView(session: Session): ClientView | null {
  const run = session.run
  const client = run?.live.clientSnapshot()
  if (!run || !client) return null
  const matching = client.replies.reduce((most, reply) => Math.max(most, reply.from.length), 0)
  return {
    id: client.id,
    seat: run.clientSeat,
    request: client.request,
    requestsSent: client.requestsSent,
    accepted: client.accepted,
    acceptedValue: client.acceptedValue,
    needed: client.needed,
    matching,
    replies: client.replies.map((reply) => ({ value: reply.value, from: [...reply.from] })),
    requestDue: session.running && run.live.phase === 'request' && run.live.pending().includes(client.id),
  }
}

/** What the primary of the view being changed to collects, while it does. */
function newPrimaryView(run: RoundRunner, nodeId: number): NewPrimaryView | null {
  const live = run.live
  if ((live.phase !== 'view-change' && live.phase !== 'new-view') || live.primary !== nodeId) return null
  const progress = live.snapshot(nodeId).viewChange
  const held = progress !== null && progress.view === live.view ? [...progress.senders, ...(progress.sent ? [nodeId] : [])] : []
  const reProposal = live.reProposalOf(nodeId)
  return {
    view: live.view,
    viewChangesFrom: [...new Set(held)].sort((a, b) => a - b),
    needed: progress?.newViewNeeded ?? viewChangesNeeded(live.nodes, live.f, run.record.quorumRule),
    canSend: live.phase === 'new-view' && live.pending().includes(nodeId),
    reProposal: reProposal && { ...reProposal },
  }
}

/** The view-change fields of seat `nodeId`'s view (all absent-equivalent without a round with views). */
export function seatViewChange(session: Session, nodeId: number, now: number): Pick<ReplicaView, 'timer' | 'canAskNewPrimary' | 'newPrimary' | 'client'> {
  const run = session.run
  const live = run?.live
  if (!run || !live || live.clientId === null) return { timer: null, canAskNewPrimary: false, newPrimary: null, client: null }
  const timer = viewTimerOf(session)
  const running = session.running
  const step = running ? viewChangeStep(run, nodeId, now) : null
  const canAskNewPrimary = step === 'end-view' || (step === 'act' && live.pending().includes(nodeId))
  return {
    timer: timer && { ...timer, running: live.snapshot(nodeId).timerRunning },
    canAskNewPrimary,
    newPrimary: running ? newPrimaryView(run, nodeId) : null,
    client: run.clientSeat === nodeId ? clientView(session) : null,
  }
}
