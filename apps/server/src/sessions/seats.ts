import type { FaultKind, SeatBar, SeatRecord } from '@pbft/protocol'
import { SessionError } from './errors'
import { sameHash } from './tokens'

/** Fresh seats: every one a bot until someone claims it. */
export function botSeats(faults: readonly FaultKind[]): SeatRecord[] {
  return faults.map((fault, id) => ({ id, fault, holder: 'bot', name: null, tokenHash: null, claimedAt: null }))
}

export function isReserved(seat: SeatRecord, nodeCount: number, robotNodes: number): boolean {
  return seat.id >= nodeCount - robotNodes
}

/**
 * The seat a claim gets: the one asked for, or the lowest free one. Late joiners take over a
 * bot seat; nobody is ever moved out of a seat by someone else's claim.
 */
export function seatToClaim(seats: readonly SeatRecord[], robotNodes: number, nodeId: number | undefined): SeatRecord {
  const n = seats.length
  if (nodeId !== undefined) {
    const seat = seats[nodeId]
    if (!seat) throw new SessionError('VALIDATION', `no seat ${nodeId}: seats are 0..${n - 1}`)
    if (isReserved(seat, n, robotNodes)) throw new SessionError('SEAT_TAKEN', `seat ${nodeId} is kept for a bot`)
    if (seat.holder === 'human') throw new SessionError('SEAT_TAKEN', `seat ${nodeId} is already taken`)
    return seat
  }
  const free = seats.find((seat) => seat.holder === 'bot' && !isReserved(seat, n, robotNodes))
  if (!free) throw new SessionError('NO_FREE_SEAT', 'every seat is taken')
  return free
}

/** The seat whose token hashes to `tokenHash`, comparing every seat in constant time. */
export function seatByTokenHash(seats: readonly SeatRecord[], tokenHash: string): SeatRecord | null {
  let found: SeatRecord | null = null
  for (const seat of seats) {
    if (seat.tokenHash !== null && sameHash(seat.tokenHash, tokenHash)) found = seat
  }
  return found
}

/** Hands a seat back to the bots (kick): its token stops working at once. */
export function releaseSeat(seat: SeatRecord): void {
  seat.holder = 'bot'
  seat.name = null
  seat.tokenHash = null
  seat.claimedAt = null
  seat.claimedFrom = null
}

/** Bars a session keeps at most (the oldest go first). */
const MAX_BARS = 1000

/** A kick: the client that claimed `seat` may not claim in this session again (see liftBars). */
export function barHolder(barred: SeatBar[], seat: SeatRecord, at: number): void {
  if (!seat.claimedFrom) return
  barred.push({ nodeId: seat.id, client: seat.claimedFrom, at })
  // Kicks are the host's, but the list is stored: it stays bounded all the same.
  if (barred.length > MAX_BARS) barred.splice(0, barred.length - MAX_BARS)
}

/** Lifts the bars of the holders kicked from `nodeId`; returns how many there were. */
export function liftBars(barred: SeatBar[], nodeId: number): number {
  const before = barred.length
  for (let i = barred.length - 1; i >= 0; i--) if (barred[i]?.nodeId === nodeId) barred.splice(i, 1)
  return before - barred.length
}
