/**
 * The seat this browser holds in each session, kept in localStorage so that a reload (or a
 * phone that slept) gets the same seat back. One entry per session, keyed by its code.
 */

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

function defaultStorage(): SeatStorage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    // Storage disabled (private mode, sandbox): the seat just is not remembered.
    return null
  }
}

export function saveSeat(seat: StoredSeat, storage: SeatStorage | null = defaultStorage()): void {
  const sessionId = seat.sessionId.trim().toUpperCase()
  try {
    storage?.setItem(seatTokenKey(sessionId), JSON.stringify({ sessionId, nodeId: seat.nodeId, seatToken: seat.seatToken }))
  } catch {
    // Quota or disabled storage: the seat works until the page is closed.
  }
}

export function loadSeat(sessionId: string, storage: SeatStorage | null = defaultStorage()): StoredSeat | null {
  let raw: string | null = null
  try {
    raw = storage?.getItem(seatTokenKey(sessionId)) ?? null
  } catch {
    return null
  }
  if (raw === null) return null
  try {
    const parsed = JSON.parse(raw) as Partial<StoredSeat> | null
    if (
      parsed !== null &&
      typeof parsed === 'object' &&
      typeof parsed.seatToken === 'string' &&
      parsed.seatToken.length > 0 &&
      typeof parsed.nodeId === 'number' &&
      Number.isInteger(parsed.nodeId) &&
      parsed.nodeId >= 0
    ) {
      return { sessionId: sessionId.trim().toUpperCase(), nodeId: parsed.nodeId, seatToken: parsed.seatToken }
    }
  } catch {
    // Not ours or corrupted: treated as no seat.
  }
  return null
}

export function forgetSeat(sessionId: string, storage: SeatStorage | null = defaultStorage()): void {
  try {
    storage?.removeItem(seatTokenKey(sessionId))
  } catch {
    // See saveSeat.
  }
}
