import type { ReplicaView } from '@pbft/protocol'
import { ValuePalette } from './valueColours'

/** The engine's suffixes of a conflicting ("′") and a forged ("*") value. */
const DERIVED = /^(.+)(?:′|\*)$/

/**
 * The proposal of the round a phone shows, which gives the letters their meaning (A is the
 * proposal). A Byzantine seat is told it; the session's proposal content (from `session:update`)
 * comes next; then a value the engine derived from it (`v′`, `v*`) names it; then what the
 * primary sent or what this replica accepted. Null before anything was seen.
 */
export function proposalOf(view: ReplicaView, sessionProposal: string | null = null): string | null {
  if (view.byzantine) return view.byzantine.proposal
  if (sessionProposal) return sessionProposal
  const values = [...view.received.map((message) => message.value), ...view.sent.map((message) => message.value)]
  for (const value of values) {
    const base = DERIVED.exec(value)?.[1]
    if (base !== undefined) return base
  }
  const prePrepare = view.received.find((message) => message.phase === 'pre-prepare' && message.from === 0)
  return prePrepare?.value ?? view.snapshot?.acceptedValue ?? view.outcome?.decidedValue ?? null
}

/**
 * The colours and letters of one phone's round. Values get their letters in the order the round
 * produced them (message index), as on the projector, so A and B (and X) always agree with it;
 * later letters agree as long as the phone saw the same typed values.
 */
export function phonePalette(view: ReplicaView, sessionProposal: string | null = null): ValuePalette {
  const palette = new ValuePalette(proposalOf(view, sessionProposal) ?? '')
  const messages = [...view.received, ...view.sent].sort((a, b) => a.index - b.index)
  // A VIEW-CHANGE carries no value of its own (its certificate's value is re-proposed in the NEW-VIEW).
  for (const message of messages) if (message.value !== '') palette.styleOf(message.value)
  return palette
}
