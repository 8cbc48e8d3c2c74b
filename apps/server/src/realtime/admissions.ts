import type { CommandRunner, SessionSnapshot } from '../sessions/sessionCommands'
import { hostRoom, infoRoom, seatRoom, sessionRoom } from './rooms'
import type { SlicedQueue } from './slicedQueue'
import type { IoSocket } from './socketServer'

/**
 * How a socket enters its session: its rooms, its seat marked online, and the current state
 * sent to it at once (a reloaded phone sees where the round is). Connections enter a few
 * milliseconds' worth per turn of the event loop (see SlicedQueue); a job left at shutdown
 * finds its socket disconnected and does nothing.
 */
export class Admissions {
  constructor(
    readonly queue: SlicedQueue,
    private readonly commands: CommandRunner,
  ) {}

  /**
   * Queues `enter` for the socket's turn: `entered` settles once it has run, and resolves at
   * once if the socket is gone by then, since entering would leave a seat online with nobody
   * there. The queue is first in, first out, so a claim's admission always runs after the
   * socket's first one.
   */
  admit(socket: IoSocket): { entered: Promise<void>; cancel: () => void } {
    let cancel: () => void = () => undefined
    const entered = new Promise<void>((resolve, reject) => {
      cancel = this.queue.add(() => {
        if (!socket.connected) return resolve()
        try {
          Promise.resolve(this.enter(socket)).then(resolve, reject)
        } catch (error) {
          reject(error)
        }
      })
    })
    return { entered, cancel }
  }

  /** Sends the state a socket receives on entering and on `session:sync`. */
  send(socket: IoSocket, state: SessionSnapshot): void {
    socket.emit('session:update', state.info)
    if (state.host) socket.emit('host:view', state.host)
    if (state.replica) socket.emit('replica:view', state.replica)
  }

  private enter(socket: IoSocket): void | Promise<void> {
    const role = socket.data.role
    socket.data.entered = true
    if (role.sessionId === null) return
    const sessionId = role.sessionId
    void socket.join(sessionRoom(sessionId))
    const joined = (state: SessionSnapshot): void => {
      if (role.kind === 'host') void socket.join(hostRoom(sessionId))
      if (role.kind === 'seat') void socket.join(seatRoom(sessionId, role.nodeId))
      // A guest that just claimed a seat is a phone now (see infoRoom).
      if (role.kind === 'seat') void socket.leave(infoRoom(sessionId))
      else void socket.join(infoRoom(sessionId))
      this.send(socket, state)
    }
    // The single-process path stays synchronous; a forwarded command answers later.
    const state = this.commands.run(sessionId, { kind: 'enter', role, connection: socket.id })
    return state instanceof Promise ? state.then(joined) : joined(state)
  }
}
