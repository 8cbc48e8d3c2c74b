import type { PlayedBy, SeatBar, SeatRecord, SessionSettings } from '@pbft/protocol'
import type { Clock } from './clock'
import { SessionError } from './errors'
import { barHolder, liftBars, releaseSeat, seatByTokenHash, seatToClaim } from './seats'
import { clientKey, hashToken, newToken, sameHash } from './tokens'

/**
 * A session's seats: who holds each one (humans by token, bots), who is online, who plays it
 * right now, and the holders the host kicked. Session extends it with the rounds; it hears of
 * every change of presence (`presenceChanged`), since bots take over or hand back seats then.
 */
export abstract class SeatRoster {
  /** Socket connection ids per seat: a human is online while one of their sockets is connected. */
  private readonly connections = new Map<number, Set<string>>()

  protected constructor(
    readonly seats: SeatRecord[],
    /** Kicked holders who may not claim again until the host allows their seat. */
    readonly barred: SeatBar[],
    readonly settings: SessionSettings,
    public locked: boolean,
    private readonly clock: Clock,
  ) {}

  /** A seat's holder came, went, or changed. */
  protected abstract presenceChanged(): void

  get nodeCount(): number {
    return this.seats.length
  }

  seat(nodeId: number): SeatRecord {
    const seat = Number.isInteger(nodeId) ? this.seats[nodeId] : undefined
    if (!seat) throw new SessionError('VALIDATION', `no seat ${nodeId}: seats are 0..${this.nodeCount - 1}`)
    return seat
  }

  isOnline(nodeId: number): boolean {
    return (this.connections.get(nodeId)?.size ?? 0) > 0
  }

  onlineSeats(): number[] {
    return this.seats.filter((seat) => seat.holder === 'human' && this.isOnline(seat.id)).map((seat) => seat.id)
  }

  /** A human plays a claimed seat while online; away, a bot does if the host allows it, else nobody. */
  playedBy(nodeId: number): PlayedBy {
    const seat = this.seat(nodeId)
    if (seat.holder === 'bot') return 'bot'
    if (this.isOnline(nodeId)) return 'human'
    return this.settings.botTakeover ? 'bot' : 'nobody'
  }

  /** `client` is the claimer's address (undefined: unknown, e.g. an internal call). */
  claim(request: { nodeId?: number; name?: string }, client?: string): { seat: SeatRecord; token: string } {
    if (this.locked) throw new SessionError('LOCKED', 'the host locked this session: nobody new can join')
    const from = client === undefined ? null : clientKey(client)
    if (from !== null && this.barred.some((bar) => bar.client === from)) {
      throw new SessionError('KICKED', 'the host removed you from this session: ask the host to let you back in')
    }
    const seat = seatToClaim(this.seats, this.settings.robotNodes, request.nodeId)
    const token = newToken()
    seat.holder = 'human'
    seat.name = request.name ?? null
    seat.tokenHash = hashToken(token)
    seat.claimedAt = this.clock.now()
    seat.claimedFrom = from
    this.presenceChanged()
    return { seat, token }
  }

  /** The seat a token belongs to, or null (revoked, or another session's). */
  seatByToken(token: string): SeatRecord | null {
    return seatByTokenHash(this.seats, hashToken(token))
  }

  /** Throws FORBIDDEN unless `tokenHash` still holds seat `nodeId` (a kick revokes it at once). */
  checkSeat(nodeId: number, tokenHash: string): void {
    const seat = this.seats[nodeId]
    if (!seat || seat.tokenHash === null || !sameHash(seat.tokenHash, tokenHash)) {
      throw new SessionError('FORBIDDEN', `this seat token does not hold seat ${nodeId}`)
    }
  }

  /** Returns whether the seat's presence changed. */
  connect(nodeId: number, connection: string): boolean {
    const wasOnline = this.isOnline(nodeId)
    let set = this.connections.get(nodeId)
    if (!set) this.connections.set(nodeId, (set = new Set()))
    set.add(connection)
    if (!wasOnline) this.presenceChanged()
    return !wasOnline
  }

  disconnect(nodeId: number, connection: string): boolean {
    const set = this.connections.get(nodeId)
    if (!set?.delete(connection) || set.size > 0) return false
    this.presenceChanged()
    return true
  }

  /** Hands the seat back to a bot and bars its holder from claiming again (see `allow`). */
  kick(nodeId: number): void {
    const seat = this.seat(nodeId)
    if (seat.holder !== 'human') throw new SessionError('VALIDATION', `seat ${nodeId} is played by a bot already`)
    barHolder(this.barred, seat, this.clock.now())
    releaseSeat(seat)
    this.connections.delete(nodeId)
    this.presenceChanged()
  }

  /** Lifts the bars of the holders kicked from `nodeId`; returns how many there were. */
  allow(nodeId: number): number {
    this.seat(nodeId)
    return liftBars(this.barred, nodeId)
  }

  isBarred(nodeId: number): boolean {
    return this.barred.some((bar) => bar.nodeId === nodeId)
  }
}
