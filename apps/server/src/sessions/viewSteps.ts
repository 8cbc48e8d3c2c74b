import type { ByzantineChoice, LivePhase } from '@pbft/protocol'
import { SessionError } from './errors'
import type { RoundRunner } from './roundRunner'

/**
 * Who may take a view-change step, and when (the engine's LiveRound refuses what the protocol
 * forbids; these are the classroom's rules around it, with codes a phone can explain).
 */

/** Where a view step left the round. */
export interface ViewStep {
  view: number
  phase: LivePhase
}

/** Ids in a choice (recipients, members of a set V) must name replicas of the session. */
export function checkChoiceIds(choice: ByzantineChoice, nodeCount: number): void {
  const check = (id: string | number, where: string): void => {
    const text = String(id)
    if (!/^(?:0|[1-9]\d*)$/.test(text) || Number(text) >= nodeCount) {
      throw new SessionError('VALIDATION', `${where}: no replica ${text} in a session of ${nodeCount} (replicas are 0..${nodeCount - 1})`)
    }
  }
  for (const key of Object.keys(choice.values ?? {})) check(key, `values.${key}`)
  for (const id of choice.viewChanges ?? []) check(id, 'viewChanges')
  for (const [key, ids] of Object.entries(choice.viewChangesFor ?? {})) {
    check(key, `viewChangesFor.${key}`)
    for (const id of ids) check(id, `viewChangesFor.${key}`)
  }
}

function withViews(run: RoundRunner): void {
  if (run.live.clientId === null) throw new SessionError('WRONG_PHASE', 'this round has no views (it was started before views existed)')
}

/**
 * May seat `nodeId` ask for a new primary now? In the view change, when its VIEW-CHANGE is due
 * (the engine says so: it is pending); in the normal case of a view, once the view clock ran out
 * while its own timer runs (it knows of the request and has not decided): the view then ends
 * for everyone (`end-view`), since every running timer expired with it.
 */
export function checkViewChange(run: RoundRunner, nodeId: number, now: number): 'act' | 'end-view' {
  const step = viewChangeStep(run, nodeId, now)
  if (step instanceof SessionError) throw step
  return step
}

/** checkViewChange's answer, with a refusal returned rather than thrown (the views ask it for every phone). */
export function viewChangeStep(run: RoundRunner, nodeId: number, now: number): 'act' | 'end-view' | SessionError {
  const live = run.live
  if (live.clientId === null) return new SessionError('WRONG_PHASE', 'this round has no views (it was started before views existed)')
  const phase = live.phase
  if (phase === 'view-change') return 'act'
  if (phase === 'request' || phase === 'new-view' || phase === 'done') return new SessionError('WRONG_PHASE', `no new primary can be asked for in ${phase}`)
  const snapshot = live.snapshot(nodeId)
  if (!snapshot.timerRunning) {
    const why = snapshot.committed ? 'it decided' : 'it knows of no request yet'
    return new SessionError('NOT_PENDING', `replica ${nodeId}'s view timer does not run (${why}): it has no reason to ask for a new primary`)
  }
  const clock = run.viewClock
  if (clock !== null && now < clock.deadline) {
    return new SessionError('TIMER_RUNNING', `replica ${nodeId}'s view timer has not expired: ${Math.ceil((clock.deadline - now) / 1000)} s left`)
  }
  if (live.view + 1 >= (run.record.maxViews ?? 1)) {
    return new SessionError('ROUND_OVER', `view ${live.view} is the last view this round may use: there is no new primary to ask for`)
  }
  return 'end-view'
}

/** Only the primary of the view being changed to sends NEW-VIEW, in phase `new-view`. */
export function checkNewView(run: RoundRunner, nodeId: number): void {
  withViews(run)
  const live = run.live
  if (live.phase !== 'new-view') throw new SessionError('WRONG_PHASE', `NEW-VIEW is sent in phase new-view, not in ${live.phase}`)
  if (live.primary !== nodeId) {
    throw new SessionError('NOT_NEW_PRIMARY', `only the new primary of view ${live.view} (replica ${live.primary}) sends NEW-VIEW`)
  }
}
