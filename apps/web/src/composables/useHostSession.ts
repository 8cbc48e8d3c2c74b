import { onScopeDispose, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { FaultKind, HostView, QuorumRule, RoundOutcome, SessionInfo, TracedMessage } from '@pbft/protocol'
import { connectSession, command, SessionCommandError, type SessionSocket } from '../session/sessionSocket'

/**
 * The host dashboard's live state: one socket authenticated with the host token, the latest
 * `session:update` and `host:view`, the round's whole trace rebuilt from the view's deltas,
 * and the host commands. Reconnecting (or reloading the tab) asks for the full view again.
 */

export interface TraceState {
  round: number | null
  messages: TracedMessage[]
}

export interface TraceMerge {
  state: TraceState
  /** Messages new since the previous state (to animate). */
  added: TracedMessage[]
  /** The view starts after what we hold: a view was missed, ask `session:sync`. */
  gap: boolean
}

/** Applies a view's trace delta: keep `slice(0, from)`, append `messages`; a new round starts afresh. */
export function mergeTrace(current: TraceState, view: Pick<HostView, 'round' | 'trace'>): TraceMerge {
  const { from, messages } = view.trace
  if (view.round !== current.round || from === 0) {
    const sameRound = view.round === current.round
    const known = sameRound ? current.messages.length : 0
    return { state: { round: view.round, messages: [...messages] }, added: messages.slice(known), gap: false }
  }
  if (current.messages.length < from) return { state: current, added: [], gap: true }
  const kept = current.messages.slice(0, from)
  const known = current.messages.length
  const next = kept.concat(messages)
  return { state: { round: view.round, messages: next }, added: next.slice(known), gap: false }
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'refused' | 'closed'

export interface HostCommandError {
  code: string
  message: string
}

export interface HostSession {
  info: ShallowRef<SessionInfo | null>
  view: ShallowRef<HostView | null>
  trace: ShallowRef<TracedMessage[]>
  outcome: ShallowRef<RoundOutcome | null>
  connection: Ref<ConnectionState>
  /** Why the server refused the handshake (`FORBIDDEN`: the token is not this session's). */
  refusal: Ref<HostCommandError | null>
  lastError: Ref<HostCommandError | null>
  busy: Ref<string | null>
  /** Called with the messages each view adds (for the animation). */
  onMessages(listener: (messages: TracedMessage[]) => void): () => void
  /** Called whenever a round ends (to refresh the history list). */
  onOutcome(listener: (outcome: RoundOutcome) => void): () => void
  startRound(seed?: number): Promise<boolean>
  nextPhase(): Promise<boolean>
  /** Forces the next view now (the primary is replaced); in the last view allowed, the round ends. */
  nextView(): Promise<boolean>
  resetRound(): Promise<boolean>
  setDeliveryRate(percent: number): Promise<boolean>
  setFault(nodeId: number, fault: FaultKind): Promise<boolean>
  setLocked(locked: boolean): Promise<boolean>
  kick(nodeId: number): Promise<boolean>
  /** Lets the students kicked from this seat claim again. */
  allowSeat(nodeId: number): Promise<boolean>
  setBotTakeover(botTakeover: boolean): Promise<boolean>
  /** From the next round on (a running round keeps its rule). */
  setQuorumRule(quorumRule: QuorumRule): Promise<boolean>
  /** Null turns the idle bot off. */
  setIdleBot(idleBotAfterMs: number | null): Promise<boolean>
  sync(): Promise<boolean>
  close(): void
}

export interface HostSessionOptions {
  connect?: typeof connectSession
}

export function useHostSession(sessionId: string, hostToken: string, options: HostSessionOptions = {}): HostSession {
  const info = shallowRef<SessionInfo | null>(null)
  const view = shallowRef<HostView | null>(null)
  const trace = shallowRef<TracedMessage[]>([])
  const outcome = shallowRef<RoundOutcome | null>(null)
  const connection = ref<ConnectionState>('connecting')
  const refusal = ref<HostCommandError | null>(null)
  const lastError = ref<HostCommandError | null>(null)
  const busy = ref<string | null>(null)
  const messageListeners = new Set<(messages: TracedMessage[]) => void>()
  const outcomeListeners = new Set<(outcome: RoundOutcome) => void>()
  let traceState: TraceState = { round: null, messages: [] }
  let syncing = false
  let lastOutcomeKey: string | null = null

  const socket: SessionSocket = (options.connect ?? connectSession)({ sessionId, hostToken })

  function announceOutcome(next: RoundOutcome | null): void {
    outcome.value = next
    if (!next) return
    const key = `${next.round}:${next.seed}`
    if (key === lastOutcomeKey) return
    lastOutcomeKey = key
    for (const listener of outcomeListeners) listener(next)
  }

  socket.on('connect', () => {
    connection.value = 'connected'
    refusal.value = null
  })
  socket.on('disconnect', () => {
    if (connection.value !== 'closed' && connection.value !== 'refused') connection.value = 'reconnecting'
  })
  socket.on('connect_error', (error: Error & { data?: { code?: string; message?: string } }) => {
    const data = error.data
    if (data?.code) {
      // The server refused us (unknown session, wrong token): retrying cannot help.
      connection.value = 'refused'
      refusal.value = { code: data.code, message: data.message ?? error.message }
      socket.disconnect()
    } else {
      connection.value = 'reconnecting'
    }
  })
  socket.on('session:update', (next) => {
    info.value = next
  })
  socket.on('host:view', (next) => {
    view.value = next
    const merged = mergeTrace(traceState, next)
    if (merged.gap) {
      void sync()
    } else {
      traceState = merged.state
      trace.value = merged.state.messages
      if (merged.added.length > 0) for (const listener of messageListeners) listener(merged.added)
    }
    announceOutcome(next.outcome)
  })
  socket.on('round:outcome', (next) => announceOutcome(next))

  async function run<T>(name: string, action: () => Promise<T>): Promise<boolean> {
    busy.value = name
    lastError.value = null
    try {
      await action()
      return true
    } catch (error) {
      lastError.value =
        error instanceof SessionCommandError
          ? { code: error.code, message: error.message }
          : { code: 'ERROR', message: error instanceof Error ? error.message : String(error) }
      return false
    } finally {
      if (busy.value === name) busy.value = null
    }
  }

  async function sync(): Promise<boolean> {
    if (syncing) return true
    syncing = true
    try {
      await command(socket, 'session:sync', {})
      return true
    } catch {
      return false
    } finally {
      syncing = false
    }
  }

  function close(): void {
    connection.value = 'closed'
    socket.removeAllListeners()
    socket.disconnect()
  }
  onScopeDispose(close)

  return {
    info,
    view,
    trace,
    outcome,
    connection,
    refusal,
    lastError,
    busy,
    onMessages(listener) {
      messageListeners.add(listener)
      return () => messageListeners.delete(listener)
    },
    onOutcome(listener) {
      outcomeListeners.add(listener)
      return () => outcomeListeners.delete(listener)
    },
    startRound: (seed) => run('start', () => command(socket, 'host:start-round', seed === undefined ? {} : { seed })),
    nextPhase: () => run('next', () => command(socket, 'host:next-phase', {})),
    nextView: () => run('next-view', () => command(socket, 'host:next-view', {})),
    resetRound: () => run('reset', () => command(socket, 'host:reset-round', {})),
    setDeliveryRate: (percent) => run('rate', () => command(socket, 'host:set-delivery-rate', { messageDeliveryRate: percent })),
    setFault: (nodeId, fault) => run('fault', () => command(socket, 'host:set-fault', { nodeId, fault })),
    setLocked: (locked) => run('lock', () => command(socket, 'host:lock', { locked })),
    kick: (nodeId) => run('kick', () => command(socket, 'host:kick', { nodeId })),
    allowSeat: (nodeId) => run('allow', () => command(socket, 'host:allow-seat', { nodeId })),
    setBotTakeover: (botTakeover) => run('takeover', () => command(socket, 'host:set-bot-takeover', { botTakeover })),
    setQuorumRule: (quorumRule) => run('rule', () => command(socket, 'host:set-quorum-rule', { quorumRule })),
    setIdleBot: (idleBotAfterMs) => run('idle', () => command(socket, 'host:set-idle-bot', { idleBotAfterMs })),
    sync,
    close,
  }
}
