import { normalizeRound, type LinkMatrix, type NormalizedRound } from '../config'
import { Rng } from '../rng'
import { deriveRoundSecret } from '../round/authenticator'
import { primaryOf, type ReProposal } from '../round/certificates'
import { Network } from '../round/network'
import { PRIMARY, type Replica, type ReplicaSnapshot } from '../round/replica'
import { ignored } from '../round/replicaTypes'
import type { ClientSnapshot, RoundResult } from '../round/result'
import type { TracedMessage } from '../round/trace'
import { checkChoice, deviates, deviationOf, type ByzantineChoice } from './choice'
import type { Client } from './client'
import { Delivery, type Participant } from './delivery'
import { crashReach, isProposalPhase } from './crash'
import { LiveRoundError } from './errors'
import { createParticipants } from './participants'
import { checkViews, type LiveProgress, type LiveRoundOptions } from './options'
import { timeoutFactor, VIEW_STREAM } from '../views'
import { drawsFromMainStream, phasesOf, type LivePhase } from './schedule'
import { roundResult, roundSets } from './summary'

export { MAX_VALUE_LENGTH, type ByzantineChoice } from './choice'
export { LiveRoundError, type LiveRoundErrorCode } from './errors'
export { CLASSIC_PHASES, FIRST_VIEW_PHASES, LATER_VIEW_PHASES, MAX_VIEWS, timeoutFactor, VIEW_STREAM, type LivePhase } from './schedule'
export type { LiveProgress, LiveRoundOptions } from './options'
export type { ClientSnapshot, RoundResult, RoundSets } from '../round/result'
export type { TracedMessage } from '../round/trace'
export type { ReProposal } from '../round/certificates'
export type { ReplicaSnapshot } from '../round/replica'

/**
 * One PBFT round driven a step at a time, for live sessions where some replicas (and perhaps
 * the client) are humans on phones and the rest bots. The caller decides who acts when and
 * when a phase ends; the protocol (who sends, to whom, which values, what counts) stays here,
 * in the replicas and the client.
 *
 * Phases open in README order (`schedule.ts`). When one opens, its senders and recipients are
 * fixed from the states at that moment; each `act` then sends one participant's messages, one
 * PRNG draw per message, and recipients take them as they arrive. In a view change a replica
 * that sees f + 1 VIEW-CHANGEs joins: `pending()` grows, and a driver acts until nobody is
 * pending before it closes the phase. Acting in ascending id and closing each phase once
 * nobody is pending reproduces `runRound` message for message.
 */
export class LiveRound {
  readonly nodes: number
  readonly f: number
  /** Views the round may use (1 for the classic round). */
  readonly maxViews: number
  /** The client's id (N) in a round with views; null in the classic round. */
  readonly clientId: number | null
  private readonly round: NormalizedRound
  private readonly seed: number
  private readonly network: Network
  private readonly replicas: Replica[]
  private readonly client: Client | null
  private readonly delivery: Delivery
  private readonly mainStream: Rng
  private readonly viewStream: Rng
  private viewNumber: number
  private phaseIndex = 0
  private finished = false
  /** Pending senders; a Set so that acting is O(1) in N, not a scan. */
  private waiting = new Set<number>()
  /** Who acted or skipped in the phase: they never join it again. */
  private readonly turnTaken = new Set<number>()
  private inPhase: number[] = []
  private readonly crashed = new Set<number>()
  /** Replicas that crash once they sent a proposal as primary (see crash.ts). */
  private readonly crashing: ReadonlySet<number>
  /** Views beyond 0 that honest replicas entered. */
  private readonly entered = new Set<number>()

  constructor(options: LiveRoundOptions) {
    const round = normalizeRound(options.config)
    const { nodes, f, view } = round
    const withViews = options.maxViews !== undefined
    const maxViews = checkViews(round, options.maxViews)
    this.round = round
    this.nodes = nodes
    this.f = f
    this.maxViews = maxViews
    this.seed = options.seed
    const { authenticator, replicas, client } = createParticipants(round, options.secret ?? deriveRoundSecret(options.seed), withViews)
    this.replicas = replicas
    this.client = client
    this.mainStream = new Rng(options.seed)
    this.viewStream = new Rng(options.seed, VIEW_STREAM)
    this.network = new Network(round, this.mainStream, authenticator)
    this.clientId = this.client?.id ?? null
    this.delivery = new Delivery(this.network, (id) => this.participant(id), nodes, options.trace !== false)
    this.viewNumber = view
    this.crashing = new Set(options.crashing ?? [])
    for (const id of this.crashing) this.replica(id)
    this.open()
  }

  get phase(): LivePhase {
    return this.finished ? 'done' : (phasesOf(this.viewNumber, this.client !== null)[this.phaseIndex] ?? 'done')
  }

  /** The view being played (a view change belongs to the view it changes to). */
  get view(): number {
    return this.viewNumber
  }

  /** The primary of the view being played: `view mod N` (replica 0 in the classic round). */
  get primary(): number {
    return this.client === null ? PRIMARY : primaryOf(this.viewNumber, this.nodes)
  }

  /** How much longer this view's timeouts are than view 0's: 2^view (1 in the classic round). */
  get timeoutFactor(): number {
    return this.client === null ? 1 : timeoutFactor(this.viewNumber)
  }

  /** Participants expected to send in the current phase that have not yet acted or skipped, ascending. */
  pending(): number[] {
    return [...this.waiting].sort((a, b) => a - b)
  }

  /** Recipients of `from` in the current phase, ascending (empty once the round is done). */
  recipients(from: number): number[] {
    if (this.client !== null && from === this.client.id) return this.phase === 'request' ? [this.primary] : []
    this.replica(from)
    const all = this.inPhase.filter((id) => id !== from)
    return this.crashesNow(from) ? crashReach(all, from, this.nodes, this.f) : all
  }

  /** What replica `id`'s NEW-VIEW would re-propose for the view being played, from the VIEW-CHANGEs it holds (null: none yet). */
  reProposalOf(id: number): ReProposal | null {
    return this.replica(id).reProposalFor(this.viewNumber)
  }

  /** A crashing replica sends its proposal as the view's primary now (and then stops). */
  private crashesNow(from: number): boolean {
    return this.crashing.has(from) && !this.crashed.has(from) && isProposalPhase(this.phase) && from === this.primary
  }

  /**
   * `from` sends its messages of the current phase now, recipients ascending, one PRNG draw
   * each (the client's first REQUEST, which the primary always gets, draws nothing). Honest
   * replicas and the client send what the protocol says; Byzantine replicas follow `choice`
   * where it says something and their fault kind elsewhere. Returns the messages in send order.
   */
  act(from: number, choice?: ByzantineChoice): TracedMessage[] {
    const client = this.client
    if (client !== null && from === client.id) {
      this.expectPending(from)
      if (choice !== undefined && deviates(choice)) throw new LiveRoundError('not-byzantine', 'the client is honest and sends its request')
      this.takeTurn(from)
      return client.requests([this.primary], this.viewNumber).map((message) => this.delivery.handOver(message))
    }
    const replica = this.expectPending(from)
    if (choice !== undefined) {
      if (replica.isHonest && deviates(choice)) {
        throw new LiveRoundError('not-byzantine', `replica ${from} is honest and sends what the protocol says`)
      }
      checkChoice(choice)
    }
    const crashes = this.crashesNow(from)
    this.takeTurn(from)
    const phase = this.phase
    const view = this.viewNumber
    // Chosen values are signed by the sender itself, so they stay authentic: only tampering in transit breaks a MAC.
    const messages = replica.outgoing(phase as Exclude<LivePhase, 'done'>, this.recipients(from), view, choice && deviationOf(choice))
    const tamper = replica.isHonest ? undefined : choice?.tamper
    const sent = messages.map((message) => this.delivery.deliver(message, tamper))
    if (crashes) this.crashed.add(from)
    if (replica.isHonest && (phase === 'view-change' || phase === 'new-view')) this.entered.add(view)
    for (const message of sent) {
      const recipient = this.replicas[message.to]
      if (recipient === undefined || !recipient.isHonest) continue
      if (phase === 'new-view' && message.counted) this.entered.add(view)
      // A replica that now holds f + 1 VIEW-CHANGEs joins the view change (OSDI'99 §4.5.2).
      if (phase === 'view-change' && !this.turnTaken.has(recipient.id) && !this.crashed.has(recipient.id) && recipient.joins(view)) {
        this.waiting.add(recipient.id)
      }
    }
    return sent
  }

  /** `from` sends nothing this phase (a Byzantine choice, a human who timed out, or a client who did). */
  skip(from: number): void {
    this.expectPending(from)
    this.takeTurn(from)
  }

  isPhaseComplete(): boolean {
    return this.waiting.size === 0
  }

  /**
   * Ends the current phase, treating whoever is still pending as silent, and opens the next
   * one: after a view's REPLYs, the round ends if the client accepted or no view is left,
   * else the next view's view change opens. Closing a finished round changes nothing.
   * Returns the new phase.
   */
  closePhase(): LivePhase {
    if (this.finished) return 'done'
    if (this.phaseIndex + 1 < phasesOf(this.viewNumber, this.client !== null).length) this.phaseIndex++
    else this.nextView()
    this.open()
    return this.phase
  }

  /**
   * The host forces the next view: the current view ends now, as if every timer expired, and
   * the next view's view change opens. With no view left (or once the client accepted, or in
   * the classic round), the round ends instead. Returns the new phase.
   */
  forceViewChange(): LivePhase {
    if (this.finished) throw new LiveRoundError('round-over', 'the round is over')
    this.nextView()
    this.open()
    return this.phase
  }

  /**
   * Replica `id` crashes (a benign fault, e.g. the primary crashing after its pre-prepare): it
   * sends nothing from now on, and takes nothing in. It still counts as honest in the sets.
   */
  crash(id: number): void {
    this.replica(id)
    if (this.finished) throw new LiveRoundError('round-over', 'the round is over')
    this.crashed.add(id)
    this.takeTurn(id)
  }

  /** Homogeneous delivery probability for messages sent from now on, the client's links included (throws ConfigError if invalid). */
  setDeliveryProbability(p: number): void {
    this.network.setLinkProbabilities(normalizeRound({ nodes: this.nodes, f: this.f, p }).linkProb)
    this.network.setClientProbability(p)
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

  /** What the client knows (null in the classic round). */
  clientSnapshot(): ClientSnapshot | null {
    return this.client?.snapshot() ?? null
  }

  /** Every message so far, in send order (empty when the trace was switched off). */
  get trace(): readonly TracedMessage[] {
    return this.delivery.trace ?? []
  }

  /** Running sets and message counts, valid at any time. */
  progress(): LiveProgress {
    const phase = this.phase
    const messages = { ...this.delivery.counts }
    const clientAccepted = this.client?.accepted ?? false
    const viewChanges = this.entered.size
    return { phase, done: phase === 'done', sets: roundSets(this.replicas), messages, view: this.viewNumber, primary: this.primary, clientAccepted, viewChanges }
  }

  /** The final result, the same shape as `runRound`'s; throws 'round-not-over' before the end. */
  result(): RoundResult {
    if (!this.finished) throw new LiveRoundError('round-not-over', `the round is still in ${this.phase}`)
    const first = this.round.view
    const replacedPrimaries = this.client === null ? [] : Array.from({ length: this.viewNumber - first }, (_, v) => primaryOf(first + v, this.nodes))
    return roundResult(this.round, this.seed, this.replicas, this.delivery.counts, this.delivery.trace, {
      maxViews: this.maxViews,
      view: this.viewNumber,
      primary: this.primary,
      viewChanges: this.entered.size,
      replacedPrimaries,
      client: this.clientSnapshot(),
      clientMessages: this.delivery.clientCounts,
    })
  }

  /** Ends the view: the next one's view change, or the end of the round. */
  private nextView(): void {
    const client = this.client
    if (client === null || client.accepted || this.viewNumber + 1 - this.round.view >= this.maxViews) {
      this.finished = true
    } else {
      this.viewNumber++
      this.phaseIndex = 0
    }
  }

  /** Fixes the senders and recipients of the phase that just opened, from the states now. */
  private open(): void {
    this.turnTaken.clear()
    const phase = this.phase
    if (phase === 'done') {
      this.waiting = new Set()
      this.inPhase = []
      return
    }
    const view = this.viewNumber
    const client = this.client
    this.delivery.stream = drawsFromMainStream(phase, view, client !== null) ? this.mainStream : this.viewStream
    // The client got no result in time: it sends its REQUEST to every replica (OSDI'99 §4.1).
    if (phase === 'view-change' && client !== null) {
      for (const message of client.requests(this.replicas.map((replica) => replica.id), view)) this.delivery.deliver(message)
    }
    if (phase === 'request' && client !== null) {
      this.waiting = new Set([client.id])
      this.inPhase = []
      return
    }
    const live = this.replicas.filter((replica) => !this.crashed.has(replica.id))
    this.waiting = new Set(live.filter((replica) => replica.sends(phase, view)).map((replica) => replica.id))
    this.inPhase = phase === 'reply' && client !== null ? [client.id] : this.replicas.filter((replica) => replica.receives(phase, view)).map((replica) => replica.id)
  }

  private takeTurn(id: number): void {
    this.waiting.delete(id)
    this.turnTaken.add(id)
  }

  private participant(id: number): Participant {
    if (this.client !== null && id === this.client.id) return this.client
    if (this.crashed.has(id)) return { receive: () => ignored('crashed') }
    return this.replica(id)
  }

  private expectPending(from: number): Replica {
    const isClient = this.client !== null && from === this.client.id
    const replica = isClient ? undefined : this.replica(from)
    if (this.finished) throw new LiveRoundError('round-over', 'the round is over')
    if (!this.waiting.has(from)) {
      throw new LiveRoundError('not-pending', `${isClient ? 'the client' : `replica ${from}`} is not expected to send in ${this.phase} now`)
    }
    return replica as Replica
  }

  private replica(id: number): Replica {
    const replica = Number.isInteger(id) ? this.replicas[id] : undefined
    if (!replica) throw new LiveRoundError('unknown-replica', `no replica ${String(id)}`)
    return replica
  }
}
