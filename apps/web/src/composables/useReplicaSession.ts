import { computed, onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import { mergeReplicaView, type ByzantineChoice, type ReplicaView, type RoundOutcome, type SeatKicked, type SessionInfo } from '@pbft/protocol'
import { command, connectSession, SessionCommandError, type SessionSocket } from '../session/sessionSocket'
import { forgetSeat } from '../session/seatToken'

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'refused'

export interface UseReplicaSessionOptions {
  sessionId: string
  seatToken: string
  connect?: typeof connectSession
  /** Epoch ms, for the countdown (a fake clock in tests). */
  now?: () => number
}

/**
 * One seat's phone: the socket (authenticated by the seat token), the latest `replica:view`
 * (everything shown comes from it: it is exactly what reached this replica), and the two
 * commands a seat has. Socket.IO reconnects by itself and the server re-sends the full view
 * on every connection, so a reload or a phone waking up shows the round where it is; between
 * those, views carry only the new messages (`mergeReplicaView`).
 */
export function useReplicaSession(options: UseReplicaSessionOptions) {
  const connect = options.connect ?? connectSession
  const now = options.now ?? Date.now
  const view = shallowRef<ReplicaView | null>(null)
  const connection = ref<ConnectionState>('connecting')
  /** Why the server refused the handshake (FORBIDDEN: the token was revoked; NOT_FOUND). */
  const refusedCode = ref<string | null>(null)
  const kicked = shallowRef<SeatKicked | null>(null)
  /** The session as it was when this phone (re)connected: N, f, the proposal, the seats. */
  const info = shallowRef<SessionInfo | null>(null)
  /** The latest `round:outcome` broadcast (the view carries it too). */
  const lastOutcome = shallowRef<RoundOutcome | null>(null)
  const sending = ref(false)
  const commandError = shallowRef<SessionCommandError | null>(null)
  const clock = ref(now())
  let timer: ReturnType<typeof setInterval> | null = null

  const socket: SessionSocket = connect({ sessionId: options.sessionId, seatToken: options.seatToken })
  socket.on('connect', () => {
    connection.value = 'connected'
  })
  socket.on('disconnect', (reason) => {
    // Our own disconnect (leaving the page) is not a connection problem.
    if (reason !== 'io client disconnect') connection.value = 'reconnecting'
  })
  socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
    if (socket.active) {
      connection.value = 'reconnecting'
      return
    }
    // The server refused the handshake: Socket.IO does not retry.
    connection.value = 'refused'
    refusedCode.value = error.data?.code ?? 'UNKNOWN'
    if (refusedCode.value === 'FORBIDDEN' || refusedCode.value === 'NOT_FOUND') forgetSeat(options.sessionId)
  })
  socket.on('replica:view', (next) => {
    const merged = mergeReplicaView(view.value, next)
    // A delta that does not fit what we hold (missed while away): the server resends the whole view.
    if (merged === null) {
      // If the sync fails the socket is reconnecting, and a connection sends the whole view anyway.
      command(socket, 'session:sync', {}).catch(() => undefined)
      return
    }
    if (view.value?.round !== merged.round || view.value?.phase !== merged.phase) commandError.value = null
    view.value = merged
  })
  // A phone gets it once per connection (the server spares phones the later updates).
  socket.on('session:update', (update) => {
    info.value = update
  })
  socket.on('round:outcome', (outcome) => {
    lastOutcome.value = outcome
  })
  socket.on('seat:kicked', (info) => {
    kicked.value = info
    forgetSeat(options.sessionId)
  })

  onMounted(() => {
    timer = setInterval(() => {
      clock.value = now()
    }, 250)
  })
  onBeforeUnmount(() => {
    if (timer !== null) clearInterval(timer)
    socket.removeAllListeners()
    socket.disconnect()
  })

  /** Whole seconds until the phase closes anyway; null without a deadline (or a clock far off). */
  const secondsLeft = computed(() => {
    const deadline = view.value?.phaseDeadline
    if (deadline == null || view.value?.phase === 'done') return null
    const seconds = Math.ceil((deadline - clock.value) / 1000)
    if (seconds > 3600) return null
    return Math.max(0, seconds)
  })

  /** This replica's view timer while it runs: whole seconds left (0 once it ran out) and the part left (0..1). */
  const viewTimer = computed(() => {
    const timer = view.value?.timer
    if (!timer || !timer.running || view.value?.phase === 'done') return null
    const left = Math.max(0, timer.deadline - clock.value)
    return { secondsLeft: Math.ceil(left / 1000), fraction: timer.durationMs > 0 ? left / timer.durationMs : 0, expired: timer.expired || left === 0, view: timer.view }
  })

  /** The outcome of the round this view shows: the view's own, else the broadcast one. */
  const outcome = computed(() => {
    const current = view.value
    if (current?.outcome) return current.outcome
    if (current && lastOutcome.value && lastOutcome.value.round === current.round) return lastOutcome.value
    return null
  })

  async function run(send: () => Promise<unknown>): Promise<boolean> {
    if (sending.value) return false
    sending.value = true
    commandError.value = null
    try {
      await send()
      return true
    } catch (error) {
      commandError.value = error instanceof SessionCommandError ? error : new SessionCommandError('UNKNOWN', String(error))
      return false
    } finally {
      sending.value = false
    }
  }

  return {
    socket,
    view,
    connection,
    refusedCode,
    kicked,
    info,
    outcome,
    secondsLeft,
    viewTimer,
    sending,
    commandError,
    /** Sends this phase's messages; `choice` only for Byzantine seats. */
    act: (choice: ByzantineChoice = {}) => run(() => command(socket, 'replica:act', choice)),
    /** A Byzantine seat stays silent this phase. */
    skip: () => run(() => command(socket, 'replica:skip', {})),
    /** Asks for a new primary: this seat's VIEW-CHANGE (its view timer ran out). */
    askNewPrimary: () => run(() => command(socket, 'replica:view-change', {})),
    /** The new primary's NEW-VIEW; `choice` (another value) only for a Byzantine one. */
    sendNewView: (choice: ByzantineChoice = {}) => run(() => command(socket, 'replica:new-view', choice)),
    /** The client's REQUEST, from the seat that plays the client. */
    sendRequest: () => run(() => command(socket, 'client:request', {})),
  }
}
