import type { RoundOutcome, TracedMessage } from '@pbft/protocol'
import type { CounterRow } from '../components/host/counterRows'

/** What a finished round's story is told from: its outcome, every replica's counters, its messages. */
export interface StoryInput {
  outcome: RoundOutcome
  /** Every replica, in id order. */
  rows: readonly CounterRow[]
  trace: readonly TracedMessage[]
}
