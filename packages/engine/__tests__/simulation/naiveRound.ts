import { outgoingValue, PROPOSAL, sendsMessages, tamperedInTransit, TAMPERED, type ValueId } from '../../src/byzantine'
import type { NormalizedRound } from '../../src/config'
import { deliveryThreshold, type Rng } from '../../src/rng'
import { reachesQuorum } from '../../src/quorum'

export interface NaiveOutcome {
  npp: number
  np: number
  nc: number
  decided: ValueId[]
  sent: number
  delivered: number
  rejected: number
}

/**
 * The README's round semantics written as plainly as possible (closures, arrays of values,
 * no reuse), as an independent check of the optimised kernel.
 */
export function naiveRound(round: NormalizedRound, rng: Rng): NaiveOutcome {
  const n = round.nodes
  const kind = (i: number) => round.faults[i] ?? 'honest'
  const honest = (i: number) => kind(i) === 'honest'
  const activeByzantine = (i: number) => !honest(i) && sendsMessages(kind(i))
  const accepted: (ValueId | null)[] = new Array<ValueId | null>(n).fill(null)
  let sent = 0
  let delivered = 0
  let rejected = 0

  /** The value the receiver ends up with, or null when the message is lost or rejected. */
  const send = (from: number, to: number, value: ValueId): ValueId | null => {
    sent++
    if (rng.nextU32() >= deliveryThreshold(round.linkProb[from * n + to] ?? 0)) return null
    delivered++
    if (!tamperedInTransit(kind(from))) return value
    if (round.authentication) {
      rejected++
      return null
    }
    return TAMPERED
  }

  const exchange = (isSender: (i: number) => boolean, isRecipient: (j: number) => boolean): number[] => {
    const matching = new Array<number>(n).fill(0)
    for (let i = 0; i < n; i++) {
      if (!isSender(i)) continue
      for (let j = 0; j < n; j++) {
        if (j === i || !isRecipient(j)) continue
        const value = honest(i) ? (accepted[i] as ValueId) : outgoingValue(kind(i), PROPOSAL, j)
        const received = send(i, j, value)
        if (received !== null && honest(j) && received === accepted[j]) matching[j] = (matching[j] ?? 0) + 1
      }
    }
    return matching
  }

  if (honest(0)) accepted[0] = PROPOSAL
  if (sendsMessages(kind(0))) {
    for (let j = 1; j < n; j++) {
      const received = send(0, j, outgoingValue(kind(0), PROPOSAL, j))
      if (received !== null && honest(j)) accepted[j] = received
    }
  }
  const inPrePrepared = (i: number) => (honest(i) && accepted[i] !== null) || activeByzantine(i)
  const prepares = exchange((i) => (i !== 0 || !honest(0)) && inPrePrepared(i), inPrePrepared)
  const prepared = accepted.map((value, i) => honest(i) && value !== null && reachesQuorum(prepares[i] ?? 0, round.f))
  const inPrepared = (i: number) => prepared[i] === true || activeByzantine(i)
  const commits = exchange(inPrepared, inPrepared)
  const committed = prepared.map((isPrepared, i) => isPrepared && reachesQuorum(commits[i] ?? 0, round.f))
  const decided: ValueId[] = []
  committed.forEach((isCommitted, i) => {
    const value = accepted[i]
    if (isCommitted && value !== null && value !== undefined && !decided.includes(value)) decided.push(value)
  })
  const size = (flags: boolean[]) => flags.filter(Boolean).length
  return {
    npp: size(accepted.map((value, i) => honest(i) && value !== null)),
    np: size(prepared),
    nc: size(committed),
    decided,
    sent,
    delivered,
    rejected,
  }
}
