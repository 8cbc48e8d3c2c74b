import { outcomeKindOf, type Ack, type ReplicaView, type RoundOutcome, type SessionInfo, type SocketAuth } from '@pbft/protocol'
import type { SessionSocket } from '../../src/session/sessionSocket'

type Listener = (...args: unknown[]) => void

/**
 * A stand-in for a Socket.IO client socket: tests fire server events with `serverEmit` and
 * answer client commands with `answer` (event → ack; throwing stands for no answer in time).
 */
export class FakeSocket {
  readonly listeners = new Map<string, Listener[]>()
  readonly sent: { event: string; payload: unknown }[] = []
  active = true
  disconnected = false
  answer: (event: string, payload: unknown) => Ack<object> = () => ({ ok: true })

  constructor(readonly auth: SocketAuth) {}

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }

  removeAllListeners(): this {
    this.listeners.clear()
    return this
  }

  disconnect(): this {
    this.disconnected = true
    this.active = false
    return this
  }

  /** Socket.IO's `timeout(ms).emitWithAck`: records the command, resolves with `answer`'s ack (or its error). */
  timeout(): { emitWithAck: (event: string, payload: unknown) => Promise<Ack> } {
    return {
      emitWithAck: (event, payload) => {
        this.sent.push({ event, payload })
        return Promise.resolve().then(() => this.answer(event, payload))
      },
    }
  }

  serverEmit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args)
  }

  asSocket(): SessionSocket {
    return this as unknown as SessionSocket
  }
}

export function sessionInfo(overrides: Partial<SessionInfo> = {}): SessionInfo {
  const seats = [0, 1, 2, 3].map((nodeId) => ({
    nodeId,
    role: nodeId === 0 ? ('primary' as const) : ('backup' as const),
    holder: nodeId === 1 ? ('human' as const) : ('bot' as const),
    reserved: nodeId === 3,
    name: null,
    online: nodeId === 1 ? true : null,
    playedBy: nodeId === 1 ? ('human' as const) : ('bot' as const),
    fault: 'honest' as const,
    isByzantine: false,
  }))
  return {
    sessionId: 'K7PX2M',
    config: {
      nodeCount: 4,
      robotNodes: 1,
      topology: 'full',
      branchCount: 2,
      proposalValue: 0,
      proposalContent: 'the proposal',
      allowTampering: false,
      messageDeliveryRate: 100,
      pacingMs: 800,
      phaseTimeoutMs: 30000,
      phaseGapMs: 400,
      botTakeover: false,
      maxViews: 1,
      viewTimeoutMs: 10000,
      clientSeat: null,
      preset: null,
      authentication: true,
      quorumRule: 'original',
      idleBotAfterMs: null,
      faultyNodes: 0,
      maliciousProposer: false,
      faults: {},
    },
    status: 'waiting',
    createdAt: 0,
    currentRound: 0,
    phase: null,
    f: 1,
    totalNodes: 4,
    connectedNodes: [1],
    locked: false,
    seats,
    warnings: [],
    ...overrides,
  }
}

export function replicaView(overrides: Partial<ReplicaView> = {}): ReplicaView {
  return {
    sessionId: 'K7PX2M',
    nodeId: 2,
    name: null,
    role: 'backup',
    fault: 'honest',
    isByzantine: false,
    playedBy: 'human',
    status: 'running',
    round: 1,
    phase: 'prepare',
    phaseDeadline: null,
    snapshot: {
      id: 2,
      fault: 'honest',
      primary: false,
      acceptedValue: 'the proposal',
      prepareSenders: [1, 3],
      commitSenders: [],
      prepareCount: 2,
      commitCount: 0,
      quorum: 2,
      quorumRule: 'original',
      prepareQuorum: 2,
      commitQuorum: 2,
      ownPrepareCounted: false,
      ownCommitCounted: false,
      prepared: true,
      committed: false,
      decidedValue: null,
      received: { prePrepare: 1, prepare: 2, commit: 0 },
      rejected: { prePrepare: 0, prepare: 0, commit: 0 },
      ignored: { prePrepare: 0, prepare: 0, commit: 0 },
    },
    received: [
      { index: 0, phase: 'pre-prepare', from: 0, value: 'the proposal', status: 'delivered', counted: true, ignoredReason: null },
      { index: 5, phase: 'prepare', from: 1, value: 'the proposal', status: 'delivered', counted: true, ignoredReason: null },
      { index: 7, phase: 'prepare', from: 3, value: 'evil', status: 'rejected', counted: false, ignoredReason: 'bad mac' },
    ],
    receivedFrom: 0,
    sent: [],
    sentFrom: 0,
    canAct: true,
    action: 'prepare',
    canSkip: false,
    recipients: [0, 1, 3],
    byzantine: null,
    outcome: null,
    standIns: [],
    ...overrides,
  }
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

/** A finished round of N = 4 that decided "lunch" (round 3). */
export function roundOutcome(overrides: Partial<RoundOutcome> = {}): RoundOutcome {
  return {
    round: 3,
    seed: 1,
    nodes: 4,
    f: 1,
    success: true,
    failure: null,
    failureReason: null,
    decidedValue: 'lunch',
    decidedValues: ['lunch'],
    safetyViolation: false,
    sets: { prePrepared: 4, prepared: 4, committed: 4 },
    messages: { sent: 30, delivered: 30, dropped: 0, rejected: 0 },
    quorumRule: 'original',
    ...CLASSIC_VIEWS,
    ...overrides,
    // The three-way outcome follows the flags unless a test sets it.
    outcome: overrides.outcome ?? outcomeKindOf({ success: overrides.success ?? true, safetyViolation: overrides.safetyViolation ?? false }),
  }
}
