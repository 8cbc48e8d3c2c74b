import type { SessionCommand } from '../sessions/sessionCommands'

/** A seat's socket on another instance, as the owner learnt it from that instance's `enter`. */
export interface RemoteSeat {
  sessionId: string
  nodeId: number
}

/**
 * Through which instance each seat socket of the sessions owned here entered, learnt from the
 * `enter` and `leave` commands other instances forward: when such an instance dies without
 * telling, its seats are marked away (see InstanceLiveness).
 */
export class RemoteSeats {
  /** Instance → its seat sockets (connection id → seat). */
  private readonly via = new Map<string, Map<string, RemoteSeat>>()

  /** Remembers a seat that enters through `from`, forgets one that leaves. */
  track(from: string, command: SessionCommand): void {
    if ((command.kind !== 'enter' && command.kind !== 'leave') || command.role.kind !== 'seat') return
    const { role, connection } = command
    let seats = this.via.get(from)
    if (command.kind === 'leave') {
      seats?.delete(connection)
      if (seats?.size === 0) this.via.delete(from)
      return
    }
    if (!seats) this.via.set(from, (seats = new Map()))
    seats.set(connection, { sessionId: role.sessionId, nodeId: role.nodeId })
  }

  /** The instances seats came through. */
  instances(): string[] {
    return [...this.via.keys()]
  }

  /** The seats that came through `instance` (connection id → seat). */
  of(instance: string): Map<string, RemoteSeat> | undefined {
    return this.via.get(instance)
  }

  /** Forgets an instance (it died, or none of its seats is left). */
  forget(instance: string): void {
    this.via.delete(instance)
  }

  get size(): number {
    return this.via.size
  }
}
