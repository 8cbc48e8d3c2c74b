/**
 * The seat this browser holds in each session, kept in localStorage so that a reload (or a
 * phone that slept) gets the same seat back. One entry per session, keyed by its code.
 */
import type { Ref } from 'vue'
import { browserStorage, jsonSerializer, withStoredValue } from '../composables/useStoredValue'


export interface StoredSeat {
  sessionId: string
  nodeId: number
  seatToken: string
}

/** The storage we need (localStorage, or a Map-backed fake in tests). */
export type SeatStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

const PREFIX = 'pbft.seat.'

/** Session codes are matched case-insensitively: the key uses the upper-case code. */
export function seatTokenKey(sessionId: string): string {
  return `${PREFIX}${sessionId.trim().toUpperCase()}`
}

/** A stored seat of `sessionId`, or null when the entry is not one (damaged, someone else's). */
function seatSerializer(sessionId: string) {
  return jsonSerializer<StoredSeat>((value) => {
    if (value === null || typeof value !== 'object') return null
    const { nodeId, seatToken } = value as Partial<StoredSeat>
    if (typeof seatToken !== 'string' || seatToken.length === 0) return null
    if (typeof nodeId !== 'number' || !Number.isInteger(nodeId) || nodeId < 0) return null
    return { sessionId: sessionId.trim().toUpperCase(), nodeId, seatToken }
  })
}

function withSeat<R>(sessionId: string, storage: SeatStorage | null, use: (entry: Ref<StoredSeat | null>) => R): R {
  return withStoredValue<StoredSeat | null, R>(seatTokenKey(sessionId), null, seatSerializer(sessionId), storage, use)
}

export function saveSeat(seat: StoredSeat, storage: SeatStorage | null = browserStorage()): void {
  const sessionId = seat.sessionId.trim().toUpperCase()
  withSeat(sessionId, storage, (entry) => {
    entry.value = { sessionId, nodeId: seat.nodeId, seatToken: seat.seatToken }
  })
}

export function loadSeat(sessionId: string, storage: SeatStorage | null = browserStorage()): StoredSeat | null {
  return withSeat(sessionId, storage, (entry) => entry.value)
}

export function forgetSeat(sessionId: string, storage: SeatStorage | null = browserStorage()): void {
  // Straight to the storage: a damaged entry reads as null, so nulling the ref would not remove it.
  try {
    storage?.removeItem(seatTokenKey(sessionId))
  } catch {
    // Storage disabled: nothing was kept.
  }
}
