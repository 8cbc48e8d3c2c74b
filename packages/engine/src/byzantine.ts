import type { FaultKind } from './config'

/**
 * Values travel as small integers inside the engine; `valueLabel` names them.
 * PROPOSAL is what the primary was asked to propose, CONFLICTING the other value a Byzantine
 * replica pushes, TAMPERED what a message says after it was altered in transit.
 */
export const PROPOSAL = 0
export const CONFLICTING = 1
export const TAMPERED = 2
export type ValueId = typeof PROPOSAL | typeof CONFLICTING | typeof TAMPERED

/** The human-readable value for an id: `v`, `v′` (conflicting) or `v*` (tampered). */
export function valueLabel(id: ValueId, proposal: string): string {
  return id === PROPOSAL ? proposal : id === CONFLICTING ? `${proposal}′` : `${proposal}*`
}

/** Whether a replica of this kind sends anything at all. */
export function sendsMessages(kind: FaultKind): boolean {
  return kind !== 'silent'
}

/**
 * Byzantine replicas (other than silent ones) take part in every phase whatever they received:
 * they collude, so they always know the proposal. A Byzantine primary sends PREPAREs too,
 * which an honest primary never does.
 */
export function isByzantine(kind: FaultKind): boolean {
  return kind !== 'honest'
}

/**
 * The value a replica of this kind puts in a message to `target`, given the value an honest
 * replica would send. Equivocators split their targets by parity (even ids get the proposal,
 * odd ids the conflicting value); all equivocators use the same split, which is how f + 1
 * colluding replicas can make two honest replicas decide differently.
 */
export function outgoingValue(kind: FaultKind, honestValue: ValueId, target: number): ValueId {
  switch (kind) {
    case 'wrong-value':
      return CONFLICTING
    case 'equivocate':
      return target % 2 === 0 ? PROPOSAL : CONFLICTING
    default:
      return honestValue
  }
}

/** Messages from a tampering replica are altered in transit after they were authenticated. */
export function tamperedInTransit(kind: FaultKind): boolean {
  return kind === 'tamper'
}
