import type { Phase, ReplicaView, RoundOutcome, RoundOutcomeKind, TracedMessage } from '@pbft/protocol'
import type { CounterRow } from '../components/host/counterRows'
import type { Sentence } from '../session/sentence'
import { tellFailure } from './failureCauses'
import type { StoryInput } from './storyInput'
import { line, type StoryLine } from './storyLine'
import { lastViewTrace, tellPhoneViews, tellViews } from './viewStory'

/**
 * How a round ended, in plain words: one module for the projector and the phones. Both start
 * from the same facts of the outcome (`outcomeFacts`: the three-way verdict the server judged, a
 * split decision never a success; N − f; the first phase that fell short; who decided which
 * value) and say them their own way: the projector with every replica's counters and the trace
 * (`tellOutcome`: `host.story.*` sentences, said by storyText.ts, the why of a failure in
 * failureCauses.ts), a phone for its own replica (`tellPhoneOutcome`: `participant.node.story.*`
 * sentences, said by useSentences in the phone's terms). The sentences are structured (message
 * keys with typed parameters), so the pages translate them, and a structured explanation from
 * the engine could later replace the tellers without touching the pages.
 */

export type { StoryKey, StoryLine, StoryParam } from './storyLine'

/** What both the projector and a phone say about a finished round. */
export interface OutcomeFacts {
  kind: RoundOutcomeKind
  /** Honest replicas that had to commit: N − f (both quorum rules). */
  needed: number
  /** The first phase whose honest set fell short of N − f (no-decision only). */
  shortPhase: Phase | null
  /** Honest replicas per value they committed: the server's `decidedBy`, else counted from the rows. */
  decided: { value: string; replicas: number[] }[]
}

/** Replicas that must decide for a round to succeed: N − f (both quorum rules). */
export function replicasNeeded(outcome: RoundOutcome): number {
  return outcome.nodes - outcome.f
}

/** The first phase whose set fell short of N − f (what the engine's failure names). */
function shortPhaseOf(outcome: RoundOutcome): Phase {
  if (outcome.failure && outcome.outcome !== 'safety-violated') return outcome.failure.phase
  const needed = replicasNeeded(outcome)
  if (outcome.sets.prePrepared < needed) return 'pre-prepare'
  return outcome.sets.prepared < needed ? 'prepare' : 'commit'
}

function decidedFromRows(rows: readonly CounterRow[]): OutcomeFacts['decided'] {
  const groups = new Map<string, number[]>()
  for (const row of rows) {
    if (!row.honest || row.decided === null) continue
    groups.set(row.decided, [...(groups.get(row.decided) ?? []), row.id])
  }
  return [...groups].map(([value, replicas]) => ({ value, replicas }))
}

/** The facts of an outcome; `rows` fill in who decided what for outcomes stored before `decidedBy`. */
export function outcomeFacts(outcome: RoundOutcome, rows: readonly CounterRow[] = []): OutcomeFacts {
  const kind = outcome.outcome
  return {
    kind,
    needed: replicasNeeded(outcome),
    shortPhase: kind === 'no-decision' ? shortPhaseOf(outcome) : null,
    decided: outcome.decidedBy && outcome.decidedBy.length > 0 ? outcome.decidedBy.map((group) => ({ ...group, replicas: [...group.replicas] })) : decidedFromRows(rows),
  }
}

// ---- the projector ----------------------------------------------------------------------

/** The projector's verdict (its DOM and colours): consensus, no consensus, or the red safety state. */
export type StoryVerdict = 'success' | 'failure' | 'safety'
const PROJECTOR_VERDICTS: Record<RoundOutcomeKind, StoryVerdict> = { success: 'success', 'no-decision': 'failure', 'safety-violated': 'safety' }

export interface OutcomeStory {
  verdict: StoryVerdict
  /** The phase that fell short (null on success or a safety violation). */
  failurePhase: Phase | null
  /** One or two sentences. */
  lines: StoryLine[]
  /** Where the sentences the page prints start (earlier ones it draws another way). */
  shownFrom: number
  /** Honest replicas per value they committed. */
  decided: { value: string; replicas: number[] }[]
}

export type { StoryInput } from './storyInput'

/** Byzantine replicas that sent different values in one phase. */
function equivocators(trace: readonly TracedMessage[]): number[] {
  const seen = new Map<string, string>()
  const found = new Set<number>()
  for (const message of trace) {
    const key = `${message.from}:${message.phase}`
    const previous = seen.get(key)
    if (previous === undefined) seen.set(key, message.value)
    else if (previous !== message.value) found.add(message.from)
  }
  return [...found].sort((a, b) => a - b)
}

function tellSuccess(input: StoryInput, facts: OutcomeFacts): StoryLine[] {
  const { outcome, rows, trace } = input
  const value = outcome.decidedValue ?? facts.decided[0]?.value ?? ''
  const lines = [line('success', { count: outcome.sets.committed, nodes: outcome.nodes, value: { value }, needed: facts.needed })]
  const byzantine = rows.filter((row) => !row.honest).map((row) => row.id)
  const lost = trace.filter((message) => message.status !== 'delivered').length
  if (byzantine.length > 0) lines.push(line('successTolerated', { replicas: { replicas: byzantine }, f: outcome.f, nodes: outcome.nodes }))
  else if (lost > 0) lines.push(line(lost === 1 ? 'successDespiteLossesOne' : 'successDespiteLosses', { count: lost }))
  return lines
}

/**
 * Who committed what, then who lied. The page shows the first sentence as value chips (the
 * story's `decided`), so the printed story starts at the second one (`shownFrom`).
 */
function tellSafety(input: StoryInput, facts: OutcomeFacts): StoryLine[] {
  const { outcome, rows, trace } = input
  const groups = facts.decided.map((group) => line('committedValue', { replicas: { replicas: group.replicas }, value: { value: group.value } }))
  const lines = [line('safetySplit', { groups: { clauses: groups } })]
  const liars = equivocators(trace).filter((id) => rows[id] && !rows[id].honest)
  const byzantine = rows.filter((row) => !row.honest).length
  if (liars.length > 0) {
    lines.push(
      byzantine > outcome.f
        ? line('safetyTooMany', { replicas: { replicas: liars }, count: byzantine, f: outcome.f })
        : line('safetyQuorum', { replicas: { replicas: liars }, quorum: rows.find((row) => row.honest)?.prepareQuorum ?? 2 * outcome.f, nodes: outcome.nodes }),
    )
  }
  return lines
}


/**
 * The projector's story of a finished round. With views, the why of a failure is read in the
 * view the round ended in, after a line on the views tried; a success says in which view it was
 * decided and which primaries were replaced (instead of who could not stop it). The client's
 * replies are on the stage already (its node and the view banner), so the story stays short
 * enough for the first screen.
 */
export function tellOutcome(input: StoryInput): OutcomeStory {
  const facts = outcomeFacts(input.outcome, input.rows)
  const verdict = PROJECTOR_VERDICTS[facts.kind]
  const views = tellViews(input.outcome)
  if (verdict === 'safety') {
    const lines = tellSafety(input, facts)
    return { verdict, failurePhase: null, lines, shownFrom: Math.min(1, lines.length - 1), decided: facts.decided }
  }
  if (verdict === 'success') {
    const lines = views.length > 0 ? [...tellSuccess(input, facts).slice(0, 1), ...views] : tellSuccess(input, facts)
    return { verdict, failurePhase: null, lines, shownFrom: 0, decided: facts.decided }
  }
  const phase = facts.shortPhase ?? 'commit'
  const why = tellFailure({ ...input, trace: lastViewTrace(input) }, phase)
  const lines = views.length > 0 ? [...views, ...why.slice(0, 1)] : why
  return { verdict, failurePhase: phase, lines, shownFrom: 0, decided: facts.decided }
}

// ---- a phone ----------------------------------------------------------------------------

/** How a phone colours the outcome: a safety violation is never shown as a success. */
export type PhoneOutcomeState = 'success' | 'no-decision' | 'safety'
const PHONE_STATES: Record<RoundOutcomeKind, PhoneOutcomeState> = { success: 'success', 'no-decision': 'no-decision', 'safety-violated': 'safety' }

export interface PhoneOutcomeStory {
  state: PhoneOutcomeState
  /** One or two plain sentences: why it ended so, with the numbers of this round. */
  reasons: Sentence[]
  /** With views: in which view it was decided, the primaries replaced, the client's replies. */
  views: Sentence[]
  /** What this replica decided. */
  mine: Sentence
}

/** The phone's state of an outcome. */
export function phoneOutcomeState(outcome: RoundOutcome): PhoneOutcomeState {
  return PHONE_STATES[outcome.outcome]
}

/** Why the round did not decide: the first step whose honest set fell short of N − f. */
function phoneShortfall(outcome: RoundOutcome, facts: OutcomeFacts, k: number | null): Sentence {
  const { needed } = facts
  const { sets } = outcome
  switch (facts.shortPhase) {
    case 'pre-prepare':
      return sets.prePrepared === 0
        ? { key: 'participant.node.story.shortPrePrepareNone', params: { needed } }
        : { key: 'participant.node.story.shortPrePrepare', params: { count: sets.prePrepared, needed } }
    case 'prepare':
      return k === null
        ? { key: 'participant.node.story.noDecision' }
        : { key: 'participant.node.story.shortPrepare', params: { count: sets.prepared, needed, k }, count: k }
    case 'commit':
      return k === null
        ? { key: 'participant.node.story.noDecision' }
        : { key: 'participant.node.story.shortCommit', params: { count: sets.committed, needed, k }, count: k }
    default:
      return { key: 'participant.node.story.noDecision' }
  }
}

/** Messages lost or caught on the way: often the reason behind a shortfall. */
function losses(outcome: RoundOutcome): Sentence[] {
  const { sent, dropped, rejected } = outcome.messages
  const said: Sentence[] = []
  if (dropped > 0) said.push({ key: 'participant.node.story.dropped', params: { dropped, sent } })
  if (rejected > 0) said.push({ key: 'participant.node.story.rejected', params: { rejected } })
  return said
}

/** Who decided which value (the same groups the projector shows); without them (older servers), the values alone. */
function disagreement(outcome: RoundOutcome, facts: OutcomeFacts, self: number): Sentence[] {
  const said: Sentence[] = [{ key: 'participant.node.story.safety' }]
  if (facts.decided.length > 0) {
    for (const { value, replicas } of facts.decided) {
      said.push({ key: 'participant.node.story.decidedBy', values: [value], who: { ids: replicas, self } })
    }
  } else {
    said.push({ key: 'participant.node.story.decidedValues', values: outcome.decidedValues })
  }
  return said
}

/**
 * The outcome in words, for a phone: the same facts as the projector's story (verdict, N − f,
 * the phase that fell short, who decided what), said for this replica: a verdict state, one or
 * two sentences with this round's numbers (never the engine's notation), and its own decision.
 */
export function tellPhoneOutcome(outcome: RoundOutcome, view: ReplicaView): PhoneOutcomeStory {
  const facts = outcomeFacts(outcome)
  const state = PHONE_STATES[facts.kind]
  const snapshot = view.snapshot
  const k = snapshot === null ? null : facts.shortPhase === 'commit' ? snapshot.commitQuorum : snapshot.prepareQuorum
  let reasons: Sentence[]
  if (state === 'safety') reasons = disagreement(outcome, facts, view.nodeId)
  else if (state === 'success') {
    reasons = [
      {
        key: 'participant.node.story.success',
        params: { count: outcome.sets.committed, needed: facts.needed },
        values: outcome.decidedValue === null ? [] : [outcome.decidedValue],
      },
    ]
  } else reasons = [phoneShortfall(outcome, facts, k), ...losses(outcome)].slice(0, 2)
  const decided = view.snapshot?.decidedValue ?? null
  let mine: Sentence
  if (view.isByzantine) mine = { key: 'participant.node.story.mineByzantine' }
  else if (decided !== null) mine = { key: 'participant.node.story.mine', values: [decided] }
  else mine = { key: 'participant.node.story.mineNone' }
  return { state, reasons, mine, views: tellPhoneViews(outcome, view) }
}
