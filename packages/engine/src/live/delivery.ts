import type { MessageCounts } from '../outcome'
import type { Message } from '../round/message'
import type { Network } from '../round/network'
import type { IgnoreReason, Replica } from '../round/replica'
import type { MessageStatus, TracedMessage } from '../round/trace'

/**
 * Puts messages through the network and hands each delivered one to its recipient at once,
 * keeping the message counts and the trace. Since the senders and recipients of a phase are
 * fixed when it opens and a phase's messages only change counts that later phases read,
 * receiving on delivery gives the same state as the README's "send all, then count".
 */
export class Delivery {
  readonly counts: MessageCounts = { sent: 0, delivered: 0, dropped: 0, rejected: 0 }
  /** Every message in send order; undefined when the caller asked for no trace. */
  readonly trace: TracedMessage[] | undefined

  constructor(
    private readonly network: Network,
    private readonly replicas: readonly Replica[],
    keepTrace: boolean,
  ) {
    this.trace = keepTrace ? [] : undefined
  }

  /** Sends one message (one PRNG draw); `tamper` overrides the sender's kind when given. */
  deliver(message: Message, tamper?: boolean): TracedMessage {
    const arrived = this.network.transmit(message, tamper)
    this.counts.sent++
    let status: MessageStatus = 'dropped'
    let counted = false
    let ignoredReason: IgnoreReason | null = null
    if (arrived === null) {
      this.counts.dropped++
    } else {
      this.counts.delivered++
      const outcome = this.recipient(message.to).receive(arrived)
      if (outcome.status === 'rejected') {
        this.counts.rejected++
        status = 'rejected'
      } else {
        status = 'delivered'
        counted = outcome.status === 'accepted'
        if (outcome.status === 'ignored') ignoredReason = outcome.reason
      }
    }
    const traced: TracedMessage = {
      index: this.counts.sent - 1,
      phase: message.phase,
      from: message.from,
      to: message.to,
      value: message.value,
      deliveredValue: arrived?.value ?? null,
      digest: message.digest,
      mac: message.mac,
      status,
      counted,
      ignoredReason,
    }
    this.trace?.push(traced)
    return traced
  }

  private recipient(id: number): Replica {
    const replica = this.replicas[id]
    if (!replica) throw new RangeError(`no replica ${id}`)
    return replica
  }
}
