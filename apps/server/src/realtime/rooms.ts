/** Everyone connected to a session: public info and round outcomes. */
export function sessionRoom(sessionId: string): string {
  return `session:${sessionId}`
}

/** The session's host dashboards. */
export function hostRoom(sessionId: string): string {
  return `host:${sessionId}`
}

/** The sockets of one seat (a phone, maybe two tabs). */
export function seatRoom(sessionId: string, nodeId: number): string {
  return `seat:${sessionId}:${nodeId}`
}
