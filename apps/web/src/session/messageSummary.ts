import { MESSAGE_TYPES, type MessageType, type ReplicaView } from '@pbft/protocol'

/** One step's messages at this replica, counted: what a big class sees instead of long lists. */
export interface PhaseTally {
  phase: MessageType
  received: number
  /** Received and counted towards this replica's quorum (or accepted, for the proposal). */
  counted: number
  /** Caught by authentication (tampered in transit). */
  rejected: number
  sent: number
}

/** Per step, the received (counted, rejected) and sent messages of a view; steps with none left out. */
export function tallyMessages(view: ReplicaView): PhaseTally[] {
  const tallies = new Map<MessageType, PhaseTally>(MESSAGE_TYPES.map((phase) => [phase, { phase, received: 0, counted: 0, rejected: 0, sent: 0 }]))
  for (const message of view.received) {
    const tally = tallies.get(message.phase)
    if (!tally) continue
    tally.received++
    if (message.counted) tally.counted++
    if (message.status === 'rejected') tally.rejected++
  }
  for (const message of view.sent) {
    const tally = tallies.get(message.phase)
    if (tally) tally.sent++
  }
  return [...tallies.values()].filter((tally) => tally.received > 0 || tally.sent > 0)
}

/**
 * Beyond this many messages a list is folded behind a "show" button: at N = 4 a phone holds
 * about 7 received messages a round, at N = 10 about 19, at N = 100 about 200.
 */
export const LIST_FOLD_THRESHOLD = 20

export function listIsLong(length: number): boolean {
  return length > LIST_FOLD_THRESHOLD
}
