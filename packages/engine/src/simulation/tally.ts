import { PHASES } from '../outcome'

/**
 * What a chunk of rounds adds up to. Integers only, so that summing tallies in any order (or
 * across worker threads) gives bit-identical totals. They stay exact below 2^53 ≈ 9·10^15;
 * 10^9 rounds at N = 100 send about 2·10^13 messages.
 */
export interface SimulationTally {
  rounds: number
  successes: number
  /** Failed rounds per failing phase, indexed like PHASES. */
  failures: number[]
  safetyViolations: number
  sent: number
  /** Deliveries that were drawn. */
  delivered: number
  rejected: number
  /**
   * Messages sent whose delivery was never drawn (the fast path draws quorum outcomes, not
   * messages); each is delivered with probability p, which is how the mean counts use them.
   */
  undrawnSent: number
  /** Rounds whose client accepted a result (f + 1 matching REPLYs). */
  clientAccepts: number
  /** Views the rounds used, summed: a round that ended in view v used v + 1. */
  viewsUsed: number
}

export function emptyTally(): SimulationTally {
  return {
    rounds: 0,
    successes: 0,
    failures: PHASES.map(() => 0),
    safetyViolations: 0,
    sent: 0,
    delivered: 0,
    rejected: 0,
    undrawnSent: 0,
    clientAccepts: 0,
    viewsUsed: 0,
  }
}

/** Adds `from` into `into` and returns `into`. */
export function addTally(into: SimulationTally, from: SimulationTally): SimulationTally {
  into.rounds += from.rounds
  into.successes += from.successes
  into.failures = into.failures.map((count, phase) => count + (from.failures[phase] ?? 0))
  into.safetyViolations += from.safetyViolations
  into.sent += from.sent
  into.delivered += from.delivered
  into.rejected += from.rejected
  into.undrawnSent += from.undrawnSent
  into.clientAccepts += from.clientAccepts
  into.viewsUsed += from.viewsUsed
  return into
}

/** The sum of many tallies (a fresh object). */
export function mergeTallies(tallies: Iterable<SimulationTally>): SimulationTally {
  const total = emptyTally()
  for (const tally of tallies) addTally(total, tally)
  return total
}
