/** Everyone connected to a session: round outcomes, and the session's end. */
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

/**
 * Who gets `session:update` as it changes: hosts and guests (join pages, projectors). A phone
 * gets it once on connecting; after that its `replica:view` carries everything it shows, and
 * sparing 100 phones a ~20 KB update at every phase is most of a big session's fan-out.
 */
export function infoRoom(sessionId: string): string {
  return `info:${sessionId}`
}
