import { successThreshold } from './quorum'

export const PHASES = ['pre-prepare', 'prepare', 'commit'] as const
export type Phase = (typeof PHASES)[number]

/** Messages of a round (or their mean over many rounds). sent = delivered + dropped; rejected ⊆ delivered. */
export interface MessageCounts {
  sent: number
  delivered: number
  dropped: number
  /** Delivered but refused because authentication caught the tampering. */
  rejected: number
}

export interface RoundFailure {
  phase: Phase
  /** As the original system words it, e.g. `prepare: Np=3 < N-f=5`. */
  reason: string
}

export interface RoundVerdict {
  success: boolean
  failure: RoundFailure | null
}

const SET_SYMBOL: Record<Phase, string> = { 'pre-prepare': 'Npp', prepare: 'Np', commit: 'Nc' }

/**
 * Metric A: the round succeeds when at least N - f (honest) replicas committed.
 * A failure names the first phase whose set fell short of N - f.
 */
export function judgeRound(nodes: number, f: number, npp: number, np: number, nc: number): RoundVerdict {
  const needed = successThreshold(nodes, f)
  const sizes: [Phase, number][] = [['pre-prepare', npp], ['prepare', np], ['commit', nc]]
  for (const [phase, size] of sizes) {
    if (size < needed) {
      return { success: false, failure: { phase, reason: `${phase}: ${SET_SYMBOL[phase]}=${size} < N-f=${needed}` } }
    }
  }
  return { success: true, failure: null }
}
