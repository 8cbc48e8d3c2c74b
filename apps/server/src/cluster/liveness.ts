import type { ReplicaView } from '@pbft/protocol'
import type { CommandRunner } from '../sessions/sessionCommands'
import type { SessionService } from '../sessions/sessionService'
import { sessionRoom } from '../realtime/rooms'
import type { IoServer } from '../realtime/socketServer'
import type { ClusterLink } from './link'
import type { RemoteSeats } from './remoteSeats'

/**
 * Instance liveness. Every instance renews a key, `<prefix>:instance:<id>` (the lease TTL,
 * renewed every third of it). An owner remembers through which instance each seat socket
 * entered (RemoteSeats); when that instance's key expires (it crashed), its seats are marked
 * away here, so the host sees them offline and bots may take over. The other way round, this
 * instance's seat sockets check in with their sessions' owners when one took a session over,
 * or when this instance's own key had expired (Redis out of reach for a whole TTL).
 */
export class InstanceLiveness {
  private heartbeatTimer: NodeJS.Timeout | null = null
  private checkTimer: NodeJS.Timeout | null = null
  /** Whether this instance's key was written at least once (a later miss means it expired). */
  private beating = false
  private checking = false
  private stopped = false

  constructor(
    private readonly link: ClusterLink,
    private readonly sessions: SessionService,
    private readonly io: IoServer,
    private readonly seats: RemoteSeats,
    /** Runs `enter` on a session's owner when this instance's seat sockets check in. */
    private readonly commands: CommandRunner,
  ) {}

  /** Writes this instance's key now, then renews it every third of the TTL and checks the peers every TTL. */
  async start(): Promise<void> {
    await this.heartbeat()
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), Math.max(10, Math.floor(this.link.ttlMs / 3)))
    this.checkTimer = setInterval(() => void this.checkPeers(), this.link.ttlMs)
  }

  stop(): void {
    this.stopped = true
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer)
    if (this.checkTimer) clearInterval(this.checkTimer)
    this.heartbeatTimer = null
    this.checkTimer = null
  }

  /** Clean shutdown: owners mark the seats that came through here away at their next check. */
  async withdraw(): Promise<void> {
    await this.link.redis.del(this.key(this.link.instanceId)).catch(() => undefined)
  }

  /** Another instance took a session over: this instance's seat sockets of it check in there. */
  adopted(sessionId: string): void {
    void this.checkIn(() => this.io.local.in(sessionRoom(sessionId)).fetchSockets(), false)
  }

  private key(instanceId: string): string {
    return `${this.link.keyPrefix}:instance:${instanceId}`
  }

  /** Renews this instance's key; found expired, its seat sockets check in with their owners again. */
  private async heartbeat(): Promise<void> {
    if (this.stopped) return
    const { redis, instanceId, ttlMs, log } = this.link
    const key = this.key(instanceId)
    try {
      const results = await redis.multi().exists(key).set(key, instanceId, 'PX', ttlMs).exec()
      const existed = results?.[0]?.[1] === 1
      if (!existed && this.beating && !this.stopped) {
        log.warn(`the liveness key of instance ${instanceId} had expired: its seat sockets check in with their owners again`)
        void this.checkIn(() => this.io.local.fetchSockets(), true)
      }
      this.beating = true
    } catch (error) {
      log.warn(`liveness renewal failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  /**
   * Seat sockets of this instance tell their session's owner that they are online (all of them,
   * or only those of sessions owned elsewhere).
   */
  private async checkIn(fetch: () => ReturnType<IoServer['fetchSockets']>, onlyRemote: boolean): Promise<void> {
    for (const socket of await fetch().catch(() => [])) {
      const role = socket.data.role
      if (role?.kind !== 'seat' || (onlyRemote && this.sessions.has(role.sessionId))) continue
      Promise.resolve(this.commands.run(role.sessionId, { kind: 'enter', role, connection: socket.id }))
        .then((state) => {
          const replica: ReplicaView | undefined = state.replica
          if (replica) socket.emit('replica:view', replica)
        })
        .catch(() => undefined)
    }
  }

  /** Seat sockets that entered through an instance whose key expired are marked away here. */
  private async checkPeers(): Promise<void> {
    if (this.checking || this.stopped || this.seats.size === 0) return
    this.checking = true
    const { redis, log } = this.link
    try {
      const peers = this.seats.instances()
      const alive = await redis.mget(peers.map((peer) => this.key(peer)))
      for (const [i, peer] of peers.entries()) {
        const seats = this.seats.of(peer)
        if (!seats) continue
        if (alive[i] !== null) {
          // Sessions that moved or ended: nothing of theirs to mark any more.
          for (const [connection, seat] of seats) if (!this.sessions.has(seat.sessionId)) seats.delete(connection)
          if (seats.size === 0) this.seats.forget(peer)
          continue
        }
        this.seats.forget(peer)
        let marked = 0
        for (const [connection, seat] of seats) {
          if (!this.sessions.has(seat.sessionId)) continue
          this.sessions.seatDisconnected(seat.sessionId, seat.nodeId, connection)
          marked++
        }
        if (marked > 0) log.warn(`instance ${peer} is gone: ${marked} seat connection(s) through it marked away`)
      }
    } catch (error) {
      log.warn(`instance liveness check failed: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      this.checking = false
    }
  }
}
