import { outcomeKindOf, type FaultKind, type MessageType, type Phase, type RoundOutcome, type TracedMessage } from '@pbft/protocol'
import type { CounterRow } from '../../src/components/host/counterRows'

/** Builders for the stage's tests: replicas' counters, trace messages and outcomes. */

export function row(id: number, overrides: Partial<CounterRow> = {}): CounterRow {
  const fault: FaultKind = overrides.fault ?? 'honest'
  return {
    id,
    honest: fault === 'honest',
    fault,
    primary: id === 0,
    accepted: null,
    prepares: 0,
    commits: 0,
    prepareQuorum: 2,
    commitQuorum: 2,
    prepared: false,
    committed: false,
    decided: null,
    pending: false,
    ...overrides,
  }
}

let index = 0
export function message(phase: MessageType, from: number, to: number, overrides: Partial<TracedMessage> = {}): TracedMessage {
  const value = overrides.value ?? 'blue'
  return {
    index: index++,
    phase,
    from,
    to,
    view: 0,
    value,
    deliveredValue: overrides.status === 'dropped' ? null : value,
    digest: 'd',
    mac: 'm',
    status: 'delivered',
    counted: true,
    ignoredReason: null,
    ...overrides,
  }
}

/** Every sender's message to every other replica of `among`. */
export function allToAll(phase: Phase, senders: number[], among: number[], overrides: (from: number, to: number) => Partial<TracedMessage> = () => ({})): TracedMessage[] {
  return senders.flatMap((from) => among.filter((to) => to !== from).map((to) => message(phase, from, to, overrides(from, to))))
}

/** A classic round's view fields: one view, primary 0, no client (what rounds stored before views read as). */
export const CLASSIC_VIEWS = {
  view: 0,
  primary: 0,
  viewChanges: 0,
  clientAccepted: false,
  maxViews: 1,
  replacedPrimaries: [],
  clientValue: null,
  clientMessages: { sent: 0, delivered: 0, dropped: 0, rejected: 0 },
} satisfies Partial<RoundOutcome>

export function outcome(overrides: Partial<RoundOutcome> = {}): RoundOutcome {
  return {
    round: 1,
    seed: 7,
    nodes: 4,
    f: 1,
    success: false,
    failure: null,
    failureReason: null,
    decidedValue: null,
    decidedValues: [],
    safetyViolation: false,
    sets: { prePrepared: 4, prepared: 4, committed: 4 },
    messages: { sent: 0, delivered: 0, dropped: 0, rejected: 0 },
    quorumRule: 'original',
    ...CLASSIC_VIEWS,
    ...overrides,
    outcome: overrides.outcome ?? outcomeKindOf({ success: overrides.success ?? false, safetyViolation: overrides.safetyViolation ?? false }),
  }
}

/** N = 4, replica 3 silent (Byzantine), every message delivered: the example. */
export function silentReplicaRound() {
  const rows = [
    row(0, { accepted: 'blue', prepares: 2, prepared: true }),
    row(1, { accepted: 'blue', prepares: 1 }),
    row(2, { accepted: 'blue', prepares: 1 }),
    row(3, { fault: 'silent' }),
  ]
  const trace = [...allToAll('pre-prepare', [0], [0, 1, 2, 3]), ...allToAll('prepare', [1, 2], [0, 1, 2, 3])]
  const result = outcome({
    failure: { phase: 'prepare', reason: 'prepare: Np=1 < N-f=3' },
    failureReason: 'prepare: Np=1 < N-f=3',
    sets: { prePrepared: 3, prepared: 1, committed: 0 },
  })
  return { rows, trace, outcome: result }
}
