import { CONFLICTING, defaultFaultBound, outgoingValue, PROPOSAL, valueLabel, type TracedMessage } from '@pbft/engine'
import {
  isByzantineKind,
  type ByzantineKind,
  type ByzantineOptions,
  type ConnectedNodesResponse,
  type HostView,
  type ReceivedMessage,
  type ReplicaAction,
  type ReplicaView,
  type SeatInfo,
  type SentMessage,
  type SessionInfo,
  type SessionStatusResponse,
} from '@pbft/protocol'
import type { Session } from './session'
import { faultWarnings, publicConfig } from './sessionConfig'
import { isReserved } from './seats'
import { clientView, primaryOnShow, seatViewChange, viewTimerOf } from './viewChangeViews'

/**
 * Who sees what. A replica's view holds only what reached that replica (never dropped
 * messages, never other replicas' mail); the host's view holds everything.
 */

export function seatInfos(session: Session): SeatInfo[] {
  const { nodeCount, settings } = session
  const primary = primaryOnShow(session)
  return session.seats.map((seat) => ({
    nodeId: seat.id,
    role: seat.id === primary ? 'primary' : 'backup',
    holder: seat.holder,
    reserved: isReserved(seat, nodeCount, settings.robotNodes),
    name: seat.name,
    online: seat.holder === 'human' ? session.isOnline(seat.id) : null,
    playedBy: session.playedBy(seat.id),
    fault: seat.fault,
    isByzantine: isByzantineKind(seat.fault),
    barred: session.isBarred(seat.id),
    client: settings.clientSeat === seat.id,
  }))
}

export function sessionInfo(session: Session): SessionInfo {
  const faults = session.faults()
  return {
    sessionId: session.id,
    config: publicConfig(session.settings, faults),
    status: session.status,
    createdAt: session.createdAt,
    currentRound: session.currentRound,
    phase: session.phase,
    f: defaultFaultBound(session.nodeCount),
    totalNodes: session.nodeCount,
    connectedNodes: session.onlineSeats(),
    locked: session.locked,
    seats: seatInfos(session),
    warnings: faultWarnings(session.nodeCount, faults, session.settings.quorumRule),
    view: session.run?.live.view ?? null,
    primary: session.run ? primaryOnShow(session) : null,
  }
}

export function sessionStatus(session: Session): SessionStatusResponse {
  return {
    sessionId: session.id,
    status: session.status,
    currentRound: session.currentRound,
    phase: session.phase,
    connectedNodes: session.onlineSeats(),
    totalNodes: session.nodeCount,
    pending: session.running ? (session.run?.live.pending() ?? []) : [],
    locked: session.locked,
    messageDeliveryRate: session.settings.messageDeliveryRate,
    lastOutcome: session.lastOutcome,
    quorumRule: session.settings.quorumRule,
    view: session.run?.live.view ?? null,
    primary: session.run ? primaryOnShow(session) : null,
  }
}

export function connectedNodes(session: Session): ConnectedNodesResponse {
  return { sessionId: session.id, connectedNodes: session.onlineSeats(), totalNodes: session.nodeCount, seats: seatInfos(session) }
}

function received(message: TracedMessage): ReceivedMessage {
  return {
    index: message.index,
    phase: message.phase,
    from: message.from,
    // A rejected message shows what arrived, so people see the tampering authentication caught.
    value: message.deliveredValue ?? message.value,
    status: message.status === 'rejected' ? 'rejected' : 'delivered',
    counted: message.counted,
    ignoredReason: message.ignoredReason,
    view: message.view,
    ...(message.summary === undefined ? {} : { summary: message.summary }),
    ...(message.detail === undefined ? {} : { detail: message.detail }),
  }
}

function sent(message: TracedMessage): SentMessage {
  const { index, phase, to, value, view, summary } = message
  return summary === undefined ? { index, phase, to, value, view } : { index, phase, to, value, view, summary }
}

/** What acting sends in each phase (`request` is the client's, `reply` automatic). */
const ACTIONS: Partial<Record<string, ReplicaAction>> = {
  'pre-prepare': 'propose',
  prepare: 'prepare',
  commit: 'commit',
  'view-change': 'view-change',
  'new-view': 'new-view',
}

function byzantineOptions(session: Session, kind: ByzantineKind, recipients: readonly number[]): ByzantineOptions {
  const proposal = session.run?.record.proposal ?? session.settings.proposalContent
  const defaultValues: Record<string, string> = {}
  for (const to of recipients) defaultValues[String(to)] = valueLabel(outgoingValue(kind, PROPOSAL, to), proposal)
  return {
    kind,
    proposal,
    conflictingValue: valueLabel(CONFLICTING, proposal),
    defaultValues,
    canTamper: session.settings.allowTampering || kind === 'tamper',
  }
}

/** How many of a round's received and sent messages a replica's audience already holds. */
export interface ReplicaListsSent {
  received: number
  sent: number
}

/**
 * A replica's view; with `from`, its message lists only from those positions on (a delta for
 * phones that hold the rest, see `mergeReplicaView`).
 */
export function replicaView(session: Session, nodeId: number, from: ReplicaListsSent = { received: 0, sent: 0 }): ReplicaView {
  const seat = session.seat(nodeId)
  const run = session.run
  const live = run?.live
  const running = session.running
  const phase = live?.phase ?? null
  // While a round runs, it plays with the faults it started with (a reassignment waits).
  const fault = run?.record.faults[nodeId] ?? seat.fault
  const canAct = running && live !== undefined && live.pending().includes(nodeId)
  const recipients = running && live ? live.recipients(nodeId) : []
  const trace = live?.trace ?? []
  const pick = (indices: readonly number[], start: number): TracedMessage[] => indices.slice(start).flatMap((index) => trace[index] ?? [])
  const receivedIndices = run?.receivedBy[nodeId] ?? []
  const sentIndices = run?.sentBy[nodeId] ?? []
  // A start past the end (the lists were reset) sends everything again.
  const receivedFrom = from.received <= receivedIndices.length ? from.received : 0
  const sentFrom = from.sent <= sentIndices.length ? from.sent : 0
  const action: ReplicaAction | null = canAct && phase !== null ? (ACTIONS[phase] ?? null) : null
  const byzantine = isByzantineKind(fault) ? fault : null
  return {
    sessionId: session.id,
    nodeId,
    name: seat.name,
    role: nodeId === primaryOnShow(session) ? 'primary' : 'backup',
    fault,
    isByzantine: byzantine !== null,
    playedBy: session.playedBy(nodeId),
    status: session.status,
    round: run?.record.round ?? null,
    phase,
    phaseDeadline: running ? (run?.phaseDeadline ?? null) : null,
    snapshot: live ? live.snapshot(nodeId) : null,
    received: pick(receivedIndices, receivedFrom).map(received),
    receivedFrom,
    sent: pick(sentIndices, sentFrom).map(sent),
    sentFrom,
    canAct,
    action,
    canSkip: canAct && byzantine !== null,
    recipients,
    byzantine: byzantine === null ? null : byzantineOptions(session, byzantine, recipients),
    outcome: session.outcome,
    standIns: (run?.standIns ?? []).filter((standIn) => standIn.nodeId === nodeId),
    view: live?.view ?? null,
    primary: run ? primaryOnShow(session) : null,
    ...seatViewChange(session, nodeId, session.now()),
  }
}

/** The host's view, with the trace from message `from` on (0: all of it). */
export function hostView(session: Session, from: number): HostView {
  const run = session.run
  const live = run?.live
  const progress = live?.progress()
  const trace = live?.trace ?? []
  const start = Math.min(Math.max(0, from), trace.length)
  return {
    sessionId: session.id,
    status: session.status,
    round: run?.record.round ?? null,
    seed: run?.record.seed ?? null,
    phase: live?.phase ?? null,
    phaseDeadline: session.running ? (run?.phaseDeadline ?? null) : null,
    pending: session.running && live ? live.pending() : [],
    sets: progress ? { ...progress.sets } : null,
    messages: progress ? { ...progress.messages } : null,
    replicas: live ? live.snapshots() : [],
    seats: seatInfos(session),
    trace: { from: start, total: trace.length, messages: trace.slice(start) },
    outcome: session.outcome,
    messageDeliveryRate: session.settings.messageDeliveryRate,
    locked: session.locked,
    botTakeover: session.settings.botTakeover,
    quorumRule: run?.record.quorumRule ?? session.settings.quorumRule,
    idleBotAfterMs: session.settings.idleBotAfterMs,
    standIns: [...(run?.standIns ?? [])],
    view: live?.view ?? null,
    primary: run ? primaryOnShow(session) : null,
    maxViews: run ? (run.record.maxViews ?? 1) : session.settings.maxViews,
    viewTimeoutMs: run?.record.viewTimeoutMs ?? session.settings.viewTimeoutMs,
    viewTimer: viewTimerOf(session),
    viewChanges: progress?.viewChanges ?? 0,
    replacedPrimaries: live ? Array.from({ length: live.view }, (_, view) => view % live.nodes) : [],
    client: clientView(session),
  }
}
