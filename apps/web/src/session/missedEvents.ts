import { PHASES, type LivePhase, type Phase, type ReplicaView } from '@pbft/protocol'
import { phoneOutcomeState } from '../story/outcomeStory'
import type { Sentence } from './sentence'

/** Where a phone last saw its round, and the steps it took part in itself (stored per seat). */
export interface SeenRound {
  round: number | null
  phase: LivePhase | null
  /** Steps of `round` this phone acted in (or chose silence in) itself. */
  acted: Phase[]
}

/**
 * Where a phase of the round stands among the normal case's steps: the client's request comes
 * before them, its replies after them, and a view change happens once the proposal step is over
 * (a later view then plays prepare and commit again).
 */
function stepIndex(phase: Exclude<LivePhase, 'done'>): number {
  if (phase === 'request') return 0
  if (phase === 'reply') return PHASES.length
  if (phase === 'view-change' || phase === 'new-view') return 1
  return PHASES.indexOf(phase)
}

/** Whether this replica had something to send in a step, judging from where it stands now. */
function hadTurn(view: ReplicaView, phase: Phase): boolean {
  const primary = view.role === 'primary'
  if (phase === 'pre-prepare') return primary
  if (view.isByzantine) return true
  if (phase === 'prepare') return !primary && view.snapshot?.acceptedValue != null
  return view.snapshot?.prepared === true
}

/** The steps of the view's round that closed (or were played for it) while the phone was away. */
function stepsAway(seen: SeenRound, view: ReplicaView): { bot: Phase[]; silent: Phase[] } {
  const sameRound = seen.round === view.round
  const acted = sameRound ? seen.acted : []
  const from = sameRound && seen.phase !== null && seen.phase !== 'done' ? stepIndex(seen.phase) : sameRound ? PHASES.length : 0
  const current = view.phase === null || view.phase === 'done' ? PHASES.length : stepIndex(view.phase)
  const bot: Phase[] = []
  const silent: Phase[] = []
  PHASES.forEach((phase, index) => {
    if (index < from || acted.includes(phase)) return
    const sent = view.sent.some((message) => message.phase === phase)
    // A step still open counts only once someone else (a bot) acted in it for this seat.
    if (sent) bot.push(phase)
    else if (index < current && hadTurn(view, phase)) silent.push(phase)
  })
  return { bot, silent }
}

/**
 * What a student who comes back (reload, phone woken up, reconnection) missed, in sentences:
 * rounds played meanwhile, how the round on screen ended, and the steps a bot played for them
 * or in which their seat stayed silent. Empty when nothing happened.
 */
export function whatWasMissed(seen: SeenRound | null, view: ReplicaView): Sentence[] {
  if (seen === null || view.round === null) return []
  const said: Sentence[] = []
  const round = view.round
  const finished = view.phase === 'done'
  if (seen.round === null || seen.round < round) {
    // Rounds that ended while away: the one left unfinished, those in between, this one if done.
    const first = seen.round === null ? 1 : seen.phase === 'done' ? seen.round + 1 : seen.round
    const last = finished ? round : round - 1
    if (last > first) said.push({ key: 'participant.node.missed.rounds', params: { from: first, to: last } })
    else if (last === first && last !== round) said.push({ key: 'participant.node.missed.round', params: { round: last } })
  }
  const outcome = view.outcome
  if (finished && outcome && !(seen.round === round && seen.phase === 'done')) {
    const state = phoneOutcomeState(outcome)
    if (state === 'safety') said.push({ key: 'participant.node.missed.safety', params: { round } })
    else if (outcome.decidedValue !== null && state === 'success') {
      said.push({ key: 'participant.node.missed.decided', params: { round }, values: [outcome.decidedValue] })
    } else said.push({ key: 'participant.node.missed.nothing', params: { round } })
  }
  const { bot, silent } = stepsAway(seen, view)
  if (bot.length > 0) said.push({ key: 'participant.node.missed.bot', phases: bot })
  if (silent.length > 0) said.push({ key: 'participant.node.missed.silent', phases: silent })
  return said
}

/** The round as seen now; `acted` carries over within a round. */
export function seenNow(view: ReplicaView, previous: SeenRound | null): SeenRound {
  const acted = previous && previous.round === view.round ? previous.acted : []
  return { round: view.round, phase: view.phase, acted }
}

/** Records that this phone acted (or chose silence) in a step of a round. */
export function withActed(seen: SeenRound | null, round: number, phase: Phase): SeenRound {
  const base = seen && seen.round === round ? seen : { round, phase, acted: [] }
  return base.acted.includes(phase) ? base : { ...base, acted: [...base.acted, phase] }
}
