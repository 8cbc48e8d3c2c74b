import { CONFLICTING, defaultFaultBound, outgoingValue, PROPOSAL, valueLabel, type TracedMessage } from '@pbft/engine'
import type {
  ByzantineOptions,
  ConnectedNodesResponse,
  FaultKind,
  HostView,
  ReceivedMessage,
  ReplicaAction,
  ReplicaView,
  SeatInfo,
  SentMessage,
  SessionInfo,
  SessionStatusResponse,
} from '@pbft/protocol'
import type { Session } from './session'
import { faultWarnings, publicConfig } from './sessionConfig'
import { isReserved } from './seats'

/**
 * Who sees what. A replica's view holds only what reached that replica (never dropped
 * messages, never other replicas' mail); the host's view holds everything.
 */

export function seatInfos(session: Session): SeatInfo[] {
  const { nodeCount, settings } = session
  return session.seats.map((seat) => ({
    nodeId: seat.id,
    role: seat.id === 0 ? 'primary' : 'backup',
    holder: seat.holder,
    reserved: isReserved(seat, nodeCount, settings.robotNodes),
    name: seat.name,
    online: seat.holder === 'human' ? session.isOnline(seat.id) : null,
    playedBy: session.playedBy(seat.id),
    fault: seat.fault,
    isByzantine: seat.fault !== 'honest',
    barred: session.isBarred(seat.id),
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
  }
}

function sent(message: TracedMessage): SentMessage {
  return { index: message.index, phase: message.phase, to: message.to, value: message.value }
}

function byzantineOptions(session: Session, kind: FaultKind, recipients: readonly number[]): ByzantineOptions {
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
  const action: ReplicaAction | null = !canAct || phase === null || phase === 'done' ? null : phase === 'pre-prepare' ? 'propose' : phase
  return {
    sessionId: session.id,
    nodeId,
    name: seat.name,
    role: nodeId === 0 ? 'primary' : 'backup',
    fault,
    isByzantine: fault !== 'honest',
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
    canSkip: canAct && fault !== 'honest',
    recipients,
    byzantine: fault === 'honest' ? null : byzantineOptions(session, fault, recipients),
    outcome: session.outcome,
    standIns: (run?.standIns ?? []).filter((standIn) => standIn.nodeId === nodeId),
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
  }
}
