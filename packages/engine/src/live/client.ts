import { weakQuorum } from '../quorum'
import type { Authenticator } from '../round/authenticator'
import { REQUEST_VIEW } from '../round/certificates'
import type { Message } from '../round/message'
import type { ClientSnapshot } from '../round/result'
import { ACCEPTED, ignored, REJECTED, type ReceiveOutcome } from '../round/replicaTypes'
import type { Signatures } from '../round/signatures'

export interface ClientOptions {
  nodes: number
  f: number
  sequence: number
  proposal: string
  authenticator: Authenticator
  signatures: Signatures
  authentication: boolean
}

/**
 * PBFT's client (OSDI'99 §4.1): it sends its REQUEST to the primary, accepts a result once
 * f + 1 replicas sent matching REPLYs (at least one of them honest), and when no result comes
 * re-broadcasts its REQUEST to every replica, which is how backups learn of it. It is honest.
 */
export class Client {
  readonly id: number
  private readonly needed: number
  private readonly repliers = new Map<string, Set<number>>()
  private acceptedValue: string | null = null
  private sentCount = 0
  private receivedCount = 0
  private rejectedCount = 0
  /** The signed request, the same for every copy: the client signs it once. */
  private readonly signature: string

  constructor(private readonly options: ClientOptions) {
    this.id = options.nodes
    this.needed = weakQuorum(options.f)
    const { signatures, sequence, proposal, authenticator } = options
    this.signature = signatures.sign(this.id, 'request', REQUEST_VIEW, sequence, authenticator.digest(proposal))
  }

  get accepted(): boolean {
    return this.acceptedValue !== null
  }

  get value(): string | null {
    return this.acceptedValue
  }

  /** Its signed REQUEST to each replica in `to`, in that order (the REQUEST's `view`: the view it is sent in). */
  requests(to: readonly number[], view: number): Message[] {
    const { proposal, sequence, authenticator } = this.options
    this.sentCount++
    return to.map((replica) =>
      authenticator.sign({ phase: 'request', view, sequence, value: proposal, from: this.id, to: replica, signature: this.signature }),
    )
  }

  /** Takes one delivered REPLY: counted once per replica and value; accepted on the first value with f + 1. */
  receive(message: Message): ReceiveOutcome {
    if (message.to !== this.id || message.phase !== 'reply') return ignored('not-addressed')
    this.receivedCount++
    const { nodes, sequence, authentication, authenticator } = this.options
    if (!Number.isInteger(message.from) || message.from < 0 || message.from >= nodes) return ignored('unknown-sender')
    if (authentication && !authenticator.verify(message)) {
      this.rejectedCount++
      return REJECTED
    }
    if (message.sequence !== sequence) return ignored('wrong-sequence')
    let from = this.repliers.get(message.value)
    if (from === undefined) {
      from = new Set()
      this.repliers.set(message.value, from)
    }
    if (from.has(message.from)) return ignored('duplicate-sender')
    from.add(message.from)
    if (this.acceptedValue === null && from.size >= this.needed) this.acceptedValue = message.value
    return ACCEPTED
  }

  snapshot(): ClientSnapshot {
    return {
      id: this.id,
      request: this.options.proposal,
      requestsSent: this.sentCount,
      accepted: this.accepted,
      acceptedValue: this.acceptedValue,
      needed: this.needed,
      replies: [...this.repliers].map(([value, from]) => ({ value, from: [...from].sort((a, b) => a - b) })),
      received: this.receivedCount,
      rejected: this.rejectedCount,
    }
  }
}
