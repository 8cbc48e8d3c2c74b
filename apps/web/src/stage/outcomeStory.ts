import type { Phase, RoundOutcome, TracedMessage } from '@pbft/protocol'
import { quorumIn, type CounterRow } from '../components/host/counterRows'

/**
 * Why a round ended as it did, in one or two plain sentences, derived from what the host view
 * (or a replay) already carries: the outcome, every replica's counters and the trace. The story
 * is structured (message keys with typed parameters, clauses nested in sentences) so that the
 * page translates it, and so that a structured explanation from the engine can later replace
 * `tellOutcome` without touching the pages.
 */

/** A parameter of a story sentence; the formatter knows how to say each kind. */
export type StoryParam =
  | number
  | string
  | { replicas: readonly number[] }
  | { value: string }
  | { values: readonly string[] }
  | { phase: Phase }
  /** A phase's messages: "prepares"; `one`: "prepare". */
  | { messages: Phase; one?: boolean }
  | { clauses: readonly StoryLine[] }

/** A key under `host.story`, with its parameters. */
export interface StoryLine {
  key: StoryKey
  params: Readonly<Record<string, StoryParam>>
}

export type StoryKey =
  | 'success'
  | 'successTolerated'
  | 'successDespiteLosses'
  | 'successDespiteLossesOne'
  | 'safetySplit'
  | 'committedValue'
  | 'safetyTooMany'
  | 'safetyQuorum'
  | 'tooFewHonest'
  | 'primarySilent'
  | 'causeSo'
  | 'effectOnly'
  | 'causeSilent'
  | 'causeSilentByzantine'
  | 'causeFewSenders'
  | 'causeLost'
  | 'causeLostOne'
  | 'causeForged'
  | 'causeForgedOne'
  | 'causeMismatch'
  | 'causeMismatchOne'
  | 'effectNoProposal'
  | 'effectShortOne'
  | 'effectShortMany'
  | 'effectShortRange'
  | 'conclusion'

export type StoryVerdict = 'success' | 'failure' | 'safety'

export interface OutcomeStory {
  verdict: StoryVerdict
  /** The phase that fell short (null on success or a safety violation). */
  failurePhase: Phase | null
  /** One or two sentences. */
  lines: StoryLine[]
  /** Where the sentences the page prints start (earlier ones it draws another way). */
  shownFrom: number
  /** Honest replicas per value they committed, in order of the value's first commit. */
  decided: { value: string; replicas: number[] }[]
}

export interface StoryInput {
  outcome: RoundOutcome
  /** Every replica, in id order. */
  rows: readonly CounterRow[]
  trace: readonly TracedMessage[]
}

const line = (key: StoryKey, params: Record<string, StoryParam> = {}): StoryLine => ({ key, params })

/** The first phase whose set fell short of N − f (what the engine's failure names). */
function shortPhase(outcome: RoundOutcome): Phase {
  if (outcome.failure) return outcome.failure.phase
  const needed = outcome.nodes - outcome.f
  if (outcome.sets.prePrepared < needed) return 'pre-prepare'
  return outcome.sets.prepared < needed ? 'prepare' : 'commit'
}

function decidedGroups(rows: readonly CounterRow[]): OutcomeStory['decided'] {
  const groups = new Map<string, number[]>()
  for (const row of rows) {
    if (!row.honest || row.decided === null) continue
    groups.set(row.decided, [...(groups.get(row.decided) ?? []), row.id])
  }
  return [...groups].map(([value, replicas]) => ({ value, replicas }))
}

/** Replicas that sent at least one message of `phase`. */
function sendersIn(trace: readonly TracedMessage[], phase: Phase): Set<number> {
  const senders = new Set<number>()
  for (const message of trace) if (message.phase === phase) senders.add(message.from)
  return senders
}

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

function tellSuccess(input: StoryInput, decided: OutcomeStory['decided']): StoryLine[] {
  const { outcome, rows, trace } = input
  const value = outcome.decidedValue ?? decided[0]?.value ?? ''
  const lines = [line('success', { count: outcome.sets.committed, nodes: outcome.nodes, value: { value }, needed: outcome.nodes - outcome.f })]
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
function tellSafety(input: StoryInput, decided: OutcomeStory['decided']): StoryLine[] {
  const { outcome, rows, trace } = input
  const groups = decided.map((group) => line('committedValue', { replicas: { replicas: group.replicas }, value: { value: group.value } }))
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

/** English needs "was" for one message and "were" for several: each has its own sentence. */
function lostLine(count: number, total: number, phase: Phase): StoryLine {
  return line(count === 1 ? 'causeLostOne' : 'causeLost', { count, total, messages: { messages: phase, one: total === 1 } })
}

function forgedLine(count: number, phase: Phase): StoryLine {
  return line(count === 1 ? 'causeForgedOne' : 'causeForged', { count, messages: { messages: phase, one: count === 1 } })
}

/** Why replicas fell short in `phase`: who stayed silent, what was lost, forged or did not match. */
function causesIn(input: StoryInput, phase: Exclude<Phase, 'pre-prepare'>, short: readonly CounterRow[]): StoryLine[] {
  const { rows, trace } = input
  const senders = sendersIn(trace, phase)
  const eligible = (row: CounterRow): boolean => (phase === 'prepare' ? !row.primary && row.accepted !== null : row.prepared)
  const silentByzantine = rows.filter((row) => !row.honest && !senders.has(row.id)).map((row) => row.id)
  const silentHonest = rows.filter((row) => row.honest && eligible(row) && !senders.has(row.id)).map((row) => row.id)
  const quorum = short[0] ? quorumIn(short[0], phase) : 0
  const targets = new Set(short.map((row) => row.id))
  const toShort = trace.filter((message) => message.phase === phase && targets.has(message.to))
  const lost = toShort.filter((message) => message.status === 'dropped').length
  const forged = toShort.filter((message) => message.status === 'rejected').length
  const mismatched = toShort.filter((message) => message.status === 'delivered' && !message.counted && message.ignoredReason === 'value-mismatch')
  const causes: StoryLine[] = []
  if (silentByzantine.length > 0) causes.push(line('causeSilentByzantine', { replicas: { replicas: silentByzantine } }))
  if (silentHonest.length > 0) causes.push(line('causeSilent', { replicas: { replicas: silentHonest } }))
  // Fewer senders than a quorum plus oneself: even a perfect network could not have helped.
  if (causes.length === 0 && senders.size < quorum + 1) causes.push(line('causeFewSenders', { count: senders.size, phase: { phase }, messages: { messages: phase } }))
  if (lost > 0) causes.push(lostLine(lost, toShort.length, phase))
  if (forged > 0) causes.push(forgedLine(forged, phase))
  if (mismatched.length > 0) {
    const values = [...new Set(mismatched.map((message) => message.deliveredValue ?? message.value))]
    const one = mismatched.length === 1
    causes.push(line(one ? 'causeMismatchOne' : 'causeMismatch', { count: mismatched.length, messages: { messages: phase, one }, values: { values } }))
  }
  return causes.slice(0, 2)
}

/** "replicas 1 and 2 each saw only 1 of the 2 prepares they needed", grouped by count. */
function shortfall(phase: Exclude<Phase, 'pre-prepare'>, short: readonly CounterRow[]): StoryLine[] {
  const count = (row: CounterRow): number => (phase === 'prepare' ? row.prepares : row.commits)
  const byCount = new Map<number, number[]>()
  for (const row of short) byCount.set(count(row), [...(byCount.get(count(row)) ?? []), row.id])
  const quorum = short[0] ? quorumIn(short[0], phase) : 0
  const messages = { messages: phase }
  if (byCount.size > 2 || short.length > 8) {
    const counts = short.map(count)
    return [line('effectShortRange', { count: short.length, min: Math.min(...counts), max: Math.max(...counts), quorum, messages })]
  }
  return [...byCount].map(([seen, ids]) =>
    ids.length === 1
      ? line('effectShortOne', { replicas: { replicas: ids }, count: seen, quorum, messages })
      : line('effectShortMany', { replicas: { replicas: ids }, count: seen, quorum, messages }),
  )
}

function tellPrePrepare(input: StoryInput): StoryLine {
  const { rows, trace } = input
  const primary = rows.find((row) => row.primary)
  const proposals = trace.filter((message) => message.phase === 'pre-prepare')
  if (!primary || proposals.length === 0) return line('primarySilent', { replicas: { replicas: [primary?.id ?? 0] } })
  const missing = rows.filter((row) => row.honest && row.accepted === null)
  const targets = new Set(missing.map((row) => row.id))
  const toMissing = proposals.filter((message) => targets.has(message.to))
  const causes: StoryLine[] = []
  const lost = toMissing.filter((message) => message.status === 'dropped').length
  const forged = toMissing.filter((message) => message.status === 'rejected').length
  if (lost > 0) causes.push(lostLine(lost, toMissing.length, 'pre-prepare'))
  if (forged > 0) causes.push(forgedLine(forged, 'pre-prepare'))
  const effect = line('effectNoProposal', { replicas: { replicas: missing.map((row) => row.id) } })
  return causes.length > 0 ? line('causeSo', { cause: { clauses: causes }, effect: { clauses: [effect] } }) : line('effectOnly', { effect: { clauses: [effect] } })
}

function tellFailure(input: StoryInput, phase: Phase): StoryLine[] {
  const { outcome, rows } = input
  const needed = outcome.nodes - outcome.f
  const honest = rows.filter((row) => row.honest)
  const setSize = phase === 'pre-prepare' ? outcome.sets.prePrepared : phase === 'prepare' ? outcome.sets.prepared : outcome.sets.committed
  const conclusion = line('conclusion', { count: setSize, nodes: outcome.nodes, phase: { phase }, needed })
  if (honest.length < needed) {
    return [line('tooFewHonest', { honest: honest.length, nodes: outcome.nodes, needed, byzantine: rows.length - honest.length, f: outcome.f }), conclusion]
  }
  if (phase === 'pre-prepare') return [tellPrePrepare(input), conclusion]
  const short = honest.filter((row) => (phase === 'prepare' ? row.accepted !== null && !row.prepared : row.prepared && !row.committed))
  if (short.length === 0) return [conclusion]
  const causes = causesIn(input, phase, short)
  const effects = { clauses: shortfall(phase, short) }
  return [causes.length > 0 ? line('causeSo', { cause: { clauses: causes }, effect: effects }) : line('effectOnly', { effect: effects }), conclusion]
}

/** The story of a finished round. */
export function tellOutcome(input: StoryInput): OutcomeStory {
  const decided = decidedGroups(input.rows)
  if (input.outcome.safetyViolation) {
    const lines = tellSafety(input, decided)
    return { verdict: 'safety', failurePhase: null, lines, shownFrom: Math.min(1, lines.length - 1), decided }
  }
  if (input.outcome.success) return { verdict: 'success', failurePhase: null, lines: tellSuccess(input, decided), shownFrom: 0, decided }
  const phase = shortPhase(input.outcome)
  return { verdict: 'failure', failurePhase: phase, lines: tellFailure(input, phase), shownFrom: 0, decided }
}
