import type { Phase, TracedMessage } from '@pbft/protocol'
import { quorumIn, type CounterRow } from '../components/host/counterRows'
import type { StoryInput } from './storyInput'
import { line, type StoryLine } from './storyLine'
import { refusedNewView } from './viewStory'

/**
 * Why a round did not decide, for the projector: the phase that fell short, who stayed silent,
 * what was lost, forged or did not match, and how far each replica got against its quorum
 * (each phase's own: `prepareQuorum`, `commitQuorum`). Read from the counters and the trace.
 */

/** Replicas that sent at least one message of `phase`. */
function sendersIn(trace: readonly TracedMessage[], phase: Phase): Set<number> {
  const senders = new Set<number>()
  for (const message of trace) if (message.phase === phase) senders.add(message.from)
  return senders
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

/** A later view's proposal is its NEW-VIEW: honest backups may refuse it (a lying new primary). */
function tellPrePrepare(input: StoryInput): StoryLine {
  const { rows, trace, outcome } = input
  const primary = rows.find((row) => row.primary)
  const type = outcome.view > 0 ? 'new-view' : 'pre-prepare'
  const proposals = trace.filter((message) => message.phase === type)
  if (!primary || proposals.length === 0) return line('primarySilent', { replicas: { replicas: [primary?.id ?? outcome.primary] } })
  const refused = refusedNewView(proposals, new Set(rows.filter((row) => row.honest).map((row) => row.id)))
  if (refused.length > 0) return line('effectOnly', { effect: { clauses: [line('causeRefusedNewView', { replicas: { replicas: refused } })] } })
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

export function tellFailure(input: StoryInput, phase: Phase): StoryLine[] {
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

