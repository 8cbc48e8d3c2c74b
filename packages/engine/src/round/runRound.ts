import { normalizeRound, type RoundConfig } from '../config'
import { judgeRound, PHASES, type MessageCounts, type Phase, type RoundFailure } from '../outcome'
import { Rng } from '../rng'
import { Authenticator, deriveRoundSecret } from './authenticator'
import type { Message } from './message'
import { Network } from './network'
import { Replica, type IgnoreReason, type ReplicaSnapshot } from './replica'

export { Authenticator, deriveRoundSecret } from './authenticator'
export { canonicalEncoding, digestOf, type AuthenticatedFields, type Message, type MessageDraft } from './message'
export { Network } from './network'
export {
  PRIMARY,
  Replica,
  type IgnoreReason,
  type PhaseCounts,
  type ReceiveOutcome,
  type ReplicaOptions,
  type ReplicaSnapshot,
} from './replica'

export interface RunRoundOptions {
  /** Seeds the link draws and, unless `secret` is given, the MAC keys. */
  seed: number
  /** The round secret the link keys are derived from (default: derived from the seed). */
  secret?: string
  /** Record every message (default true). Monte-Carlo callers switch it off. */
  trace?: boolean
}

/** What became of a message: dropped by its link, rejected by authentication, or delivered. */
export type MessageStatus = 'delivered' | 'dropped' | 'rejected'

/** One message of a round, in send order. */
export interface TracedMessage {
  index: number
  phase: Phase
  from: number
  to: number
  /** The value as the sender sent (and authenticated) it. */
  value: string
  /** The value the recipient got, after any tampering; null when dropped. */
  deliveredValue: string | null
  /** The digest and MAC as sent. */
  digest: string
  mac: string
  status: MessageStatus
  /** Whether the recipient used it: an accepted pre-prepare, or a PREPARE/COMMIT it counted. */
  counted: boolean
  /** Why a delivered, authentic message was not counted; null otherwise. */
  ignoredReason: IgnoreReason | null
}

/** Sizes of the README's sets, over honest replicas only. */
export interface RoundSets {
  /** |V_pp|: honest replicas that accepted a value (an honest primary included). */
  prePrepared: number
  /** |V_p|: honest prepared replicas. */
  prepared: number
  /** |V_c|: honest committed replicas. */
  committed: number
}

export interface RoundResult {
  nodes: number
  f: number
  seed: number
  /** Metric A: at least N - f honest replicas committed. */
  success: boolean
  failure: RoundFailure | null
  /** The value the honest replicas decided, when at least one did and all agree. */
  decidedValue: string | null
  /** Distinct values decided by honest replicas, by the lowest id that decided each. */
  decidedValues: string[]
  sets: RoundSets
  /** Two honest replicas committed different values; the trace is then the counterexample. */
  safetyViolation: boolean
  messages: MessageCounts
  replicas: ReplicaSnapshot[]
  /** Every message in send order, unless `trace: false`. */
  trace?: TracedMessage[]
}

/**
 * Plays one whole round synchronously, every replica a bot: honest ones follow the protocol,
 * Byzantine ones their fault kind. Phases run in order; in each, senders go in ascending id and
 * each sends to its recipients in ascending id, one PRNG draw per message (the README's round
 * semantics, to the letter). Since who sends to whom is fixed at the start of a phase and a
 * phase's messages only change counts that the next phase reads, handling each message as it
 * is sent is the same as sending all of them and then counting.
 */
export function runRound(config: RoundConfig, options: RunRoundOptions): RoundResult {
  const round = normalizeRound(config)
  const { nodes, f, view, sequence, proposal, authentication } = round
  const authenticator = new Authenticator(options.secret ?? deriveRoundSecret(options.seed))
  const network = new Network(round, new Rng(options.seed), authenticator)
  const replicas = round.faults.map(
    (fault, id) => new Replica({ id, nodes, f, view, sequence, fault, proposal, authenticator, authentication }),
  )
  const messages: MessageCounts = { sent: 0, delivered: 0, dropped: 0, rejected: 0 }
  const trace: TracedMessage[] | undefined = options.trace === false ? undefined : []

  const deliver = (message: Message): void => {
    const arrived = network.transmit(message)
    messages.sent++
    let status: MessageStatus = 'dropped'
    let counted = false
    let ignoredReason: IgnoreReason | null = null
    if (arrived === null) {
      messages.dropped++
    } else {
      messages.delivered++
      const outcome = replicaAt(replicas, message.to).receive(arrived)
      if (outcome.status === 'rejected') {
        messages.rejected++
        status = 'rejected'
      } else {
        status = 'delivered'
        counted = outcome.status === 'accepted'
        if (outcome.status === 'ignored') ignoredReason = outcome.reason
      }
    }
    trace?.push({
      index: trace.length,
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
    })
  }

  for (const phase of PHASES) {
    const senders = replicas.filter((replica) => replica.sends(phase))
    const inPhase = replicas.filter((replica) => replica.receives(phase)).map((replica) => replica.id)
    for (const sender of senders) {
      const recipients = inPhase.filter((id) => id !== sender.id)
      for (const message of sender.outgoing(phase, recipients)) deliver(message)
    }
  }

  const honest = replicas.filter((replica) => replica.isHonest)
  const sets: RoundSets = {
    prePrepared: honest.filter((replica) => replica.acceptedValue !== null).length,
    prepared: honest.filter((replica) => replica.prepared).length,
    committed: honest.filter((replica) => replica.committed).length,
  }
  const decidedValues = [...new Set(honest.flatMap((replica) => replica.decidedValue ?? []))]
  const verdict = judgeRound(nodes, f, sets.prePrepared, sets.prepared, sets.committed)
  const result: RoundResult = {
    nodes,
    f,
    seed: options.seed,
    success: verdict.success,
    failure: verdict.failure,
    decidedValue: decidedValues.length === 1 ? (decidedValues[0] ?? null) : null,
    decidedValues,
    sets,
    safetyViolation: decidedValues.length > 1,
    messages,
    replicas: replicas.map((replica) => replica.snapshot()),
  }
  if (trace) result.trace = trace
  return result
}

function replicaAt(replicas: readonly Replica[], id: number): Replica {
  const replica = replicas[id]
  if (!replica) throw new RangeError(`no replica ${id}`)
  return replica
}
