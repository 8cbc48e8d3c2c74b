import { tamperedInTransit, TAMPERED, valueLabel } from '../byzantine'
import type { NormalizedRound } from '../config'
import { deliveryThreshold, type Rng } from '../rng'
import type { Authenticator } from './authenticator'
import type { Message } from './message'

/**
 * The point-to-point links of a round: each message is delivered independently with its link's
 * probability, and a tampering sender's messages are altered on the way.
 */
export class Network {
  private readonly nodes: number
  private thresholds: number[]
  private readonly tampers: boolean[]
  private readonly tamperedValue: string
  /** Delivery threshold of the client's links (REQUESTs and REPLYs), in rounds with views. */
  private clientThreshold: number

  constructor(
    round: NormalizedRound,
    private readonly rng: Rng,
    private readonly authenticator: Authenticator,
  ) {
    this.nodes = round.nodes
    this.thresholds = Array.from(round.linkProb, deliveryThreshold)
    this.tampers = round.faults.map(tamperedInTransit)
    this.tamperedValue = valueLabel(TAMPERED, round.proposal)
    this.clientThreshold = deliveryThreshold(round.clientP)
  }

  /**
   * Replaces the delivery probabilities (row-major N×N, as `NormalizedRound.linkProb`) for
   * messages transmitted from now on: a live session's host may change p mid-round.
   */
  setLinkProbabilities(linkProb: ArrayLike<number>): void {
    if (linkProb.length !== this.nodes * this.nodes) {
      throw new RangeError(`expected ${this.nodes * this.nodes} link probabilities, got ${linkProb.length}`)
    }
    this.thresholds = Array.from(linkProb, deliveryThreshold)
  }

  /** The delivery probability of the client's links, for messages transmitted from now on. */
  setClientProbability(p: number): void {
    this.clientThreshold = deliveryThreshold(p)
  }

  /**
   * Sends one message: exactly one PRNG draw, whatever the outcome, so that runs stay
   * reproducible message for message. Returns the message as the recipient gets it, or null
   * when the link dropped it. `tamper` overrides the sender's fault kind for this message
   * (a human Byzantine replica decides per act whether to tamper). `rng` is the stream the
   * draw comes from (default: the one the network was made with). A message from or to the
   * client (id N) travels on the client's links.
   */
  transmit(message: Message, tamper: boolean = this.tampers[message.from] ?? false, rng: Rng = this.rng): Message | null {
    const draw = rng.nextU32()
    const { from, to } = message
    const threshold = from === this.nodes || to === this.nodes ? this.clientThreshold : this.thresholds[from * this.nodes + to]
    if (!(draw < (threshold ?? 0))) return null
    if (!tamper) return message
    // The tamperer even fixes the digest: only the MAC, made with a key it lacks, can tell.
    const value = this.tamperedValue
    return { ...message, value, digest: this.authenticator.digest(value) }
  }
}
