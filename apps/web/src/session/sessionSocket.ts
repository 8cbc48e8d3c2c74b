import { io, type Socket } from 'socket.io-client'
import { SOCKET_PATH, type Ack, type ClientToServerEvents, type ServerToClientEvents, type SocketAuth } from '@pbft/protocol'

/** A socket speaking the session protocol of `@pbft/protocol` (typed both ways). */
export type SessionSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/**
 * Connects to the server this page came from. The handshake `auth` says who we are: the
 * host (hostToken), one seat (seatToken), or nobody yet. Reconnection is Socket.IO's own;
 * the server answers every (re)connection with the full current view.
 */
export function connectSession(auth: SocketAuth, origin: string = globalThis.location?.origin ?? ''): SessionSocket {
  return io(origin, { path: SOCKET_PATH, auth, transports: ['websocket', 'polling'] })
}

type EventName = keyof ClientToServerEvents
type PayloadOf<E extends EventName> = Parameters<ClientToServerEvents[E]>[0]
type AckOf<E extends EventName> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]

/** Thrown when the server refused an event: `code` and `message` are the server's. */
export class SessionCommandError extends Error {
  override name = 'SessionCommandError'
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Emits a client event and resolves with the acknowledgement's data, or rejects with a
 * SessionCommandError (refused) or a timeout (no answer: offline, server gone).
 */
export function command<E extends EventName>(
  socket: SessionSocket,
  event: E,
  payload: PayloadOf<E>,
  timeoutMs = 8000,
): Promise<Extract<AckOf<E>, { ok: true }>> {
  return new Promise((resolve, reject) => {
    // With a timeout, Socket.IO passes an error first to the acknowledgement; the typed event
    // map does not model that form, hence the narrow cast.
    const timed = socket.timeout(timeoutMs) as unknown as {
      emit(name: string, body: unknown, ack: (error: Error | null, response: Ack) => void): void
    }
    timed.emit(event, payload, (error, response) => {
      if (error) reject(new SessionCommandError('TIMEOUT', 'the server did not answer in time'))
      else if (response.ok) resolve(response as Extract<AckOf<E>, { ok: true }>)
      else reject(new SessionCommandError(response.error.code, response.error.message))
    })
  })
}
