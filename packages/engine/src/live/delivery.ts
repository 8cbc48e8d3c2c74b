import type { MessageCounts } from '../outcome'
import type { Rng } from '../rng'
import type { Message } from '../round/message'
import type { Network } from '../round/network'
import type { IgnoreReason, ReceiveOutcome } from '../round/replicaTypes'
import type { MessageStatus, TracedMessage } from '../round/trace'
import { evidenceOf } from './traceSummary'

/** Anyone a message can be delivered to: a replica, or the client. */
export interface Participant {
  receive(message: Message): ReceiveOutcome
}

function zeroMessages(): MessageCounts {
  return { sent: 0, delivered: 0, dropped: 0, rejected: 0 }
}

/**
 * Puts messages through the network and hands each delivered one to its recipient at once,
 * keeping the message counts and the trace. Since the senders and recipients of a phase are
 * fixed when it opens and a phase's messages only change counts that later phases read,
 * receiving on delivery gives the same state as the README's "send all, then count".
 *
 * Counts are kept apart: `counts` for the messages between replicas (what the classic round
 * and the Monte-Carlo's `meanMessages` count), `clientCounts` for the client's REQUESTs and
 * the REPLYs to it.
 */
export class Delivery {
  readonly counts: MessageCounts = zeroMessages()
  readonly clientCounts: MessageCounts = zeroMessages()
  /** Every message in send order; undefined when the caller asked for no trace. */
  readonly trace: TracedMessage[] | undefined
  /** The stream the next draws come from (undefined: the network's own). */
  stream: Rng | undefined

  constructor(
    private readonly network: Network,
    private readonly participant: (id: number) => Participant,
    /** The client's id (N), whose messages `clientCounts` counts. */
    private readonly clientId: number,
    keepTrace: boolean,
  ) {
    this.trace = keepTrace ? [] : undefined
  }

  /** Sends one message (one PRNG draw); `tamper` overrides the sender's kind when given. */
  deliver(message: Message, tamper?: boolean): TracedMessage {
    return this.record(message, this.network.transmit(message, tamper, this.stream))
  }

  /** Hands one message over without a draw: the client's first REQUEST, which the primary always gets. */
  handOver(message: Message): TracedMessage {
    return this.record(message, message)
  }

  private record(message: Message, arrived: Message | null): TracedMessage {
    const counts = message.from === this.clientId || message.to === this.clientId ? this.clientCounts : this.counts
    counts.sent++
    let status: MessageStatus = 'dropped'
    let counted = false
    let ignoredReason: IgnoreReason | null = null
    let detail: string | undefined
    if (arrived === null) {
      counts.dropped++
    } else {
      counts.delivered++
      const outcome = this.participant(message.to).receive(arrived)
      if (outcome.status === 'rejected') {
        counts.rejected++
        status = 'rejected'
      } else {
        status = 'delivered'
        counted = outcome.status === 'accepted'
        if (outcome.status === 'ignored') {
          ignoredReason = outcome.reason
          detail = outcome.detail
        }
      }
    }
    const traced: TracedMessage = {
      index: this.counts.sent + this.clientCounts.sent - 1,
      phase: message.phase,
      from: message.from,
      to: message.to,
      view: message.view,
      value: message.value,
      deliveredValue: arrived?.value ?? null,
      digest: message.digest,
      mac: message.mac,
      status,
      counted,
      ignoredReason,
    }
    if (this.trace !== undefined) {
      if (message.signature !== undefined) traced.signature = message.signature
      Object.assign(traced, evidenceOf(message))
      if (detail !== undefined) traced.detail = detail
      this.trace.push(traced)
    }
    return traced
  }
}
