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
  private readonly thresholds: number[]
  private readonly tampers: boolean[]
  private readonly tamperedValue: string

  constructor(
    round: NormalizedRound,
    private readonly rng: Rng,
    private readonly authenticator: Authenticator,
  ) {
    this.nodes = round.nodes
    this.thresholds = Array.from(round.linkProb, deliveryThreshold)
    this.tampers = round.faults.map(tamperedInTransit)
    this.tamperedValue = valueLabel(TAMPERED, round.proposal)
  }

  /**
   * Sends one message: exactly one PRNG draw, whatever the outcome, so that runs stay
   * reproducible message for message. Returns the message as the recipient gets it, or null
   * when the link dropped it.
   */
  transmit(message: Message): Message | null {
    const draw = this.rng.nextU32()
    if (!(draw < (this.thresholds[message.from * this.nodes + message.to] ?? 0))) return null
    if (!this.tampers[message.from]) return message
    // The tamperer even fixes the digest: only the MAC, made with a key it lacks, can tell.
    const value = this.tamperedValue
    return { ...message, value, digest: this.authenticator.digest(value) }
  }
}
