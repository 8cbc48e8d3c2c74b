import { computed, onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue'
import type { AssignNodeResponse, SeatInfo, SessionInfo } from '@pbft/protocol'
import { command, connectSession, SessionCommandError, type SessionSocket } from '../session/sessionSocket'
import { loadSeat, saveSeat, type StoredSeat } from '../session/seatToken'

/**
 * Normalises what a student typed (or pasted) into a session code: the code of a pasted join
 * link, without spaces or dashes, upper case. Null when it cannot be a code.
 */
export function normalizeJoinCode(input: string): string | null {
  let text = input.trim()
  const fromLink = /\/join\/([A-Za-z0-9]+)/.exec(text)
  if (fromLink) text = fromLink[1] ?? ''
  const code = text.replace(/[\s-]+/g, '').toUpperCase()
  return /^[A-Z0-9]{1,32}$/.test(code) ? code : null
}

export type SeatState = 'free' | 'taken' | 'reserved'

/** A seat as the join page shows it: a human holds it, a bot keeps it for good, or it is free. */
export function seatState(seat: SeatInfo): SeatState {
  if (seat.holder === 'human') return 'taken'
  return seat.reserved ? 'reserved' : 'free'
}

export type JoinStatus = 'idle' | 'loading' | 'ready' | 'not-found' | 'unreachable'

/** Why claiming failed, as the page words it. */
export interface ClaimError {
  code: string
  message: string
  nodeId: number | null
}

export interface UseJoinOptions {
  connect?: typeof connectSession
}

/**
 * The join page's state: a guest socket on the session (its `session:update`s keep the seats
 * live while students join), and `claim`, which takes a seat over that socket and keeps the
 * token. A socket rather than REST also means a wrong code does not log an HTTP error.
 */
export function useJoin(sessionId: Ref<string | null>, options: UseJoinOptions = {}) {
  const connect = options.connect ?? connectSession
  const status = ref<JoinStatus>('idle')
  const info = shallowRef<SessionInfo | null>(null)
  const claiming = ref(false)
  const claimError = ref<ClaimError | null>(null)
  const savedSeat = shallowRef<StoredSeat | null>(null)
  let socket: SessionSocket | null = null

  function close(): void {
    socket?.removeAllListeners()
    socket?.disconnect()
    socket = null
  }

  function open(id: string | null): void {
    close()
    info.value = null
    claimError.value = null
    savedSeat.value = id ? loadSeat(id) : null
    if (!id) {
      status.value = 'idle'
      return
    }
    status.value = 'loading'
    const opened = connect({ sessionId: id })
    socket = opened
    opened.on('session:update', (update) => {
      info.value = update
      status.value = 'ready'
    })
    opened.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (error.data?.code === 'NOT_FOUND' || error.data?.code === 'VALIDATION') {
        status.value = 'not-found'
        close()
      } else if (info.value === null) {
        // Socket.IO keeps retrying by itself; say so meanwhile.
        status.value = 'unreachable'
      }
    })
  }

  watch(sessionId, open, { immediate: true })
  onBeforeUnmount(close)

  const seats = computed(() => info.value?.seats ?? [])
  const counts = computed(() => {
    const states = seats.value.map(seatState)
    return {
      total: states.length,
      taken: states.filter((state) => state === 'taken').length,
      free: states.filter((state) => state === 'free').length,
    }
  })

  /** Takes `nodeId` (or any free seat), keeps its token, and closes the guest socket. */
  async function claim(request: { nodeId?: number; name?: string }): Promise<AssignNodeResponse | null> {
    if (!socket || claiming.value) return null
    claiming.value = true
    claimError.value = null
    const name = request.name?.trim()
    try {
      const seat = await command(socket, 'seat:claim', {
        ...(request.nodeId !== undefined ? { nodeId: request.nodeId } : {}),
        ...(name ? { name } : {}),
      })
      saveSeat({ sessionId: seat.sessionId, nodeId: seat.nodeId, seatToken: seat.seatToken })
      savedSeat.value = loadSeat(seat.sessionId)
      close()
      return seat
    } catch (error) {
      claimError.value =
        error instanceof SessionCommandError
          ? { code: error.code, message: error.message, nodeId: request.nodeId ?? null }
          : { code: 'UNKNOWN', message: String(error), nodeId: request.nodeId ?? null }
      return null
    } finally {
      claiming.value = false
    }
  }

  return { status, info, seats, counts, claiming, claimError, savedSeat, claim, retry: () => open(sessionId.value) }
}
