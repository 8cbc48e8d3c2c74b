import { normalizeRound, type LinkMatrix, type NormalizedRound, type RoundConfig } from '../config'
import { PHASES, type MessageCounts, type Phase } from '../outcome'
import { Rng } from '../rng'
import { Authenticator, deriveRoundSecret } from '../round/authenticator'
import type { Message } from '../round/message'
import { Network } from '../round/network'
import { Replica, type ReplicaSnapshot } from '../round/replica'
import type { RoundResult, RoundSets } from '../round/result'
import type { TracedMessage } from '../round/trace'
import { checkChoice, chosenValue, deviates, type ByzantineChoice } from './choice'
import { Delivery } from './delivery'
import { LiveRoundError } from './errors'
import { roundResult, roundSets } from './summary'

export { MAX_VALUE_LENGTH, type ByzantineChoice } from './choice'
export { LiveRoundError, type LiveRoundErrorCode } from './errors'
export type { RoundResult, RoundSets } from '../round/result'
export type { TracedMessage } from '../round/trace'
export type { ReplicaSnapshot } from '../round/replica'

export type LivePhase = Phase | 'done'

export interface LiveRoundOptions {
  config: RoundConfig
  /** Seeds the link draws and, unless `secret` is given, the MAC keys. */
  seed: number
  secret?: string
  /** Record every message (default true); `runRound` turns it off for Monte-Carlo callers. */
  trace?: boolean
}

export interface LiveProgress {
  phase: LivePhase
  /** True once the commit phase was closed. */
  done: boolean
  sets: RoundSets
  messages: MessageCounts
}

/**
 * One PBFT round driven a step at a time, for live sessions where some replicas are humans on
 * phones and the rest bots. The caller decides who acts when and when a phase ends; the
 * protocol (who sends, to whom, which values, what counts) stays here, in the replicas.
 *
 * Phases open in README order. When one opens, its senders and recipients are fixed from the
 * replicas' states at that moment, exactly as in `runRound`; each `act` then sends one
 * replica's messages, one PRNG draw per message, and recipients count them as they arrive.
 * Acting in ascending id and closing each phase reproduces `runRound` message for message.
 */
export class LiveRound {
  readonly nodes: number
  readonly f: number
  private readonly round: NormalizedRound
  private readonly seed: number
  private readonly authenticator: Authenticator
  private readonly network: Network
  private readonly replicas: Replica[]
  private readonly delivery: Delivery
  private phaseIndex = 0
  /** Ascending, as inserted by `open`; a Set so that acting is O(1) in N, not a scan. */
  private waiting = new Set<number>()
  private inPhase: number[] = []

  constructor(options: LiveRoundOptions) {
    const round = normalizeRound(options.config)
    const { nodes, f, view, sequence, proposal, authentication, quorumRule } = round
    this.round = round
    this.nodes = nodes
    this.f = f
    this.seed = options.seed
    this.authenticator = new Authenticator(options.secret ?? deriveRoundSecret(options.seed))
    this.network = new Network(round, new Rng(options.seed), this.authenticator)
    const authenticator = this.authenticator
    this.replicas = round.faults.map(
      (fault, id) => new Replica({ id, nodes, f, view, sequence, fault, proposal, authenticator, authentication, quorumRule }),
    )
    this.delivery = new Delivery(this.network, this.replicas, options.trace !== false)
    this.open()
  }

  get phase(): LivePhase {
    return PHASES[this.phaseIndex] ?? 'done'
  }

  /** Replicas expected to send in the current phase that have not yet acted or skipped, ascending. */
  pending(): number[] {
    return [...this.waiting]
  }

  /** Recipients of `from` in the current phase, ascending (empty once the round is done). */
  recipients(from: number): number[] {
    this.replica(from)
    return this.inPhase.filter((id) => id !== from)
  }

  /**
   * `from` sends its messages of the current phase now, recipients ascending, one PRNG draw
   * each. Honest replicas send what the protocol says; Byzantine ones follow `choice` where it
   * says something and their fault kind elsewhere. Returns the messages in send order.
   */
  act(from: number, choice?: ByzantineChoice): TracedMessage[] {
    const replica = this.expectPending(from)
    if (choice !== undefined) {
      if (replica.isHonest && deviates(choice)) {
        throw new LiveRoundError('not-byzantine', `replica ${from} is honest and sends what the protocol says`)
      }
      checkChoice(choice)
    }
    this.waiting.delete(from)
    const phase = this.phase as Phase
    // The replica signs its default messages; chosen values are signed afresh, still by the
    // sender itself, so they stay authentic: only tampering in transit breaks a MAC.
    const signed = replica.outgoing(phase, this.recipients(from))
    const messages = choice === undefined ? signed : signed.map((message) => this.override(message, choice))
    const tamper = replica.isHonest ? undefined : choice?.tamper
    const sent: TracedMessage[] = []
    for (const message of messages) sent.push(this.delivery.deliver(message, tamper))
    return sent
  }

  /** `from` sends nothing this phase (a Byzantine choice, or a human who timed out). */
  skip(from: number): void {
    this.expectPending(from)
    this.waiting.delete(from)
  }

  isPhaseComplete(): boolean {
    return this.waiting.size === 0
  }

  /**
   * Ends the current phase, treating whoever is still pending as silent, and opens the next
   * one (or finishes the round after commit). Closing a finished round changes nothing.
   * Returns the new phase.
   */
  closePhase(): LivePhase {
    if (this.phase !== 'done') {
      this.phaseIndex++
      this.open()
    }
    return this.phase
  }

  /** Homogeneous delivery probability for messages sent from now on (throws ConfigError if invalid). */
  setDeliveryProbability(p: number): void {
    this.network.setLinkProbabilities(normalizeRound({ nodes: this.nodes, f: this.f, p }).linkProb)
  }

  /** Per-link delivery probabilities for messages sent from now on (throws ConfigError if invalid). */
  setLinks(links: LinkMatrix): void {
    this.network.setLinkProbabilities(normalizeRound({ nodes: this.nodes, f: this.f, links }).linkProb)
  }

  /** What replica `id` knows: its local view and counters. */
  snapshot(id: number): ReplicaSnapshot {
    return this.replica(id).snapshot()
  }

  snapshots(): ReplicaSnapshot[] {
    return this.replicas.map((replica) => replica.snapshot())
  }

  /** Every message so far, in send order (empty when the trace was switched off). */
  get trace(): readonly TracedMessage[] {
    return this.delivery.trace ?? []
  }

  /** Running sets and message counts, valid at any time. */
  progress(): LiveProgress {
    const phase = this.phase
    return { phase, done: phase === 'done', sets: roundSets(this.replicas), messages: { ...this.delivery.counts } }
  }

  /** The final result, the same shape as `runRound`'s; throws 'round-not-over' before the end. */
  result(): RoundResult {
    if (this.phase !== 'done') throw new LiveRoundError('round-not-over', `the round is still in ${this.phase}`)
    return roundResult(this.round, this.seed, this.replicas, this.delivery.counts, this.delivery.trace)
  }

  /** Fixes the senders and recipients of the phase that just opened, from the replicas' states now. */
  private open(): void {
    const phase = this.phase
    if (phase === 'done') {
      this.waiting = new Set()
      this.inPhase = []
      return
    }
    this.waiting = new Set(this.replicas.filter((replica) => replica.sends(phase)).map((replica) => replica.id))
    this.inPhase = this.replicas.filter((replica) => replica.receives(phase)).map((replica) => replica.id)
  }

  private override(message: Message, choice: ByzantineChoice | undefined): Message {
    const value = choice === undefined ? null : chosenValue(choice, message.to)
    if (value === null || value === message.value) return message
    const { phase, view, sequence, from, to } = message
    return this.authenticator.sign({ phase, view, sequence, value, from, to })
  }

  private expectPending(from: number): Replica {
    const replica = this.replica(from)
    if (this.phase === 'done') throw new LiveRoundError('round-over', 'the round is over')
    if (!this.waiting.has(from)) {
      throw new LiveRoundError('not-pending', `replica ${from} is not expected to send in ${this.phase} now`)
    }
    return replica
  }

  private replica(id: number): Replica {
    const replica = Number.isInteger(id) ? this.replicas[id] : undefined
    if (!replica) throw new LiveRoundError('unknown-replica', `no replica ${String(id)}`)
    return replica
  }
}
