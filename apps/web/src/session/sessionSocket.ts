import { io, type Socket } from 'socket.io-client'
import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents, type SocketAuth } from '@pbft/protocol'

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
 * SessionCommandError: the server's refusal, or TIMEOUT when no answer came in time (offline,
 * server gone). Socket.IO's `timeout().emitWithAck` rejects on the timeout by itself.
 */
export async function command<E extends EventName>(
  socket: SessionSocket,
  event: E,
  payload: PayloadOf<E>,
  timeoutMs = 8000,
): Promise<Extract<AckOf<E>, { ok: true }>> {
  // For each concrete event, Socket.IO's types make this exactly `(event, payload) → its ack`;
  // for a generic E TypeScript cannot reduce them (AllButLast<…[E]>), so it is said once here.
  const timed = socket.timeout(timeoutMs)
  const emitWithAck = timed.emitWithAck as (event: E, payload: PayloadOf<E>) => Promise<AckOf<E>>
  let response: AckOf<E>
  try {
    response = await emitWithAck.call(timed, event, payload)
  } catch {
    throw new SessionCommandError('TIMEOUT', 'the server did not answer in time')
  }
  if (response.ok) return response as Extract<AckOf<E>, { ok: true }>
  throw new SessionCommandError(response.error.code, response.error.message)
}
