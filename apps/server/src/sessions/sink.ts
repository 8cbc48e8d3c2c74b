import type { HostView, ReplicaView, RoundOutcome, SessionInfo } from '@pbft/protocol'

/**
 * Where the session service sends what each audience may see; the socket gateway implements
 * it with Socket.IO rooms, tests with a recorder. The service decides what goes where.
 */
export interface SessionSink {
  /** Public session information, to everyone connected to the session. */
  sessionInfo(sessionId: string, info: SessionInfo): void
  /** To the session's host dashboards. */
  hostView(sessionId: string, view: HostView): void
  /** To the sockets of one seat. */
  replicaView(sessionId: string, nodeId: number, view: ReplicaView): void
  /** A round finished: to everyone connected to the session. */
  roundOutcome(sessionId: string, outcome: RoundOutcome): void
  /** The seat's token was revoked: tell its sockets and disconnect them. */
  seatKicked(sessionId: string, nodeId: number, reason: string): void
  /** The session was deleted: disconnect its sockets. */
  sessionClosed(sessionId: string): void
}

export const NO_SINK: SessionSink = {
  sessionInfo: () => undefined,
  hostView: () => undefined,
  replicaView: () => undefined,
  roundOutcome: () => undefined,
  seatKicked: () => undefined,
  sessionClosed: () => undefined,
}
