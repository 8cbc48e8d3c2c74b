import type { MessageType } from '../round/message'

export { MAX_VIEWS, timeoutFactor, VIEW_STREAM } from '../views'

/** The phases of a live round, in the order they open, then `done`. */
export type LivePhase = MessageType | 'done'

/** The classic round (no client, one view): today's three phases. */
export const CLASSIC_PHASES = ['pre-prepare', 'prepare', 'commit'] as const satisfies readonly LivePhase[]
/** View 0 of a round with views: the client's REQUEST, the normal case, the REPLYs. */
export const FIRST_VIEW_PHASES = ['request', 'pre-prepare', 'prepare', 'commit', 'reply'] as const satisfies readonly LivePhase[]
/** Every later view: the view change, then the normal case of the new view and its REPLYs. */
export const LATER_VIEW_PHASES = ['view-change', 'new-view', 'prepare', 'commit', 'reply'] as const satisfies readonly LivePhase[]

/** The phases of `view`: the classic round's, or with views those of view 0 or of a later view. */
export function phasesOf(view: number, withViews: boolean): readonly LivePhase[] {
  if (!withViews) return CLASSIC_PHASES
  return view === 0 ? FIRST_VIEW_PHASES : LATER_VIEW_PHASES
}

/** Whether `phase` of `view` draws from the main stream: the normal case of view 0 (the classic round: everything). */
export function drawsFromMainStream(phase: LivePhase, view: number, withViews: boolean): boolean {
  if (!withViews) return true
  return view === 0 && (phase === 'pre-prepare' || phase === 'prepare' || phase === 'commit')
}
