import { PHASES } from '../outcome'
import { DEFAULT_QUORUM_RULE, quorumThresholds, weakQuorum, type QuorumRule } from '../quorum'
import { deliveryThreshold, type Rng } from '../rng'
import { binomialTails } from '../theory/binomial'
import type { SimulationTally } from './tally'
import { VerdictCache } from './verdicts'

/**
 * The fast path for all-honest rounds with one delivery probability p and no link matrix.
 *
 * With everyone honest, a replica's count of matching PREPAREs (or COMMITs) is the number of
 * delivered messages on its own incoming links from the current senders: a Binomial(m, p)
 * independent of every other replica's count given the sender sets. So instead of drawing
 * every message we draw, per round:
 *  - V_pp: one Bernoulli(p) per backup (its PRE-PREPARE);
 *  - V_p: one Bernoulli(T(m, k; p)) per member, m = the PREPAREs it can receive
 *    (the primary: the x - 1 backups in V_pp; a backup: the other x - 2 backups);
 *  - V_c: one Bernoulli(T(y - 1, k; p)) per member of V_p,
 * the thresholds k those of the quorum rule (`quorumThresholds`: 2f for all three under the
 * original rule; Q - 1, Q - 2, Q - 1 under castro-liskov, every bot having sent its own vote).
 * Each is "drawing the receiver's count as a binomial" and keeping only whether it reached the
 * quorum: the same model, O(N) draws instead of O(N²), with no closed form involved.
 */
export class FastPath {
  readonly nodes: number
  readonly p: number
  private readonly deliver: number
  /**
   * `threshold[m]` = deliveryThreshold(T(m, k; p)) for m = 0..N-1, one table per threshold k:
   * the primary's prepare, a backup's prepare, a commit (the same table when the k agree).
   */
  private readonly primaryThreshold: Float64Array
  private readonly backupThreshold: Float64Array
  private readonly commitThreshold: Float64Array
  /** `clientThreshold[z]` = deliveryThreshold(T(z, f + 1; clientP)): the client accepts when f + 1 of z REPLYs arrive. */
  private readonly clientThreshold: Float64Array
  private readonly verdicts: VerdictCache

  constructor(nodes: number, f: number, p: number, rule: QuorumRule = DEFAULT_QUORUM_RULE, clientP: number = p) {
    this.nodes = nodes
    this.p = p
    this.deliver = deliveryThreshold(p)
    const needs = quorumThresholds(nodes, f, rule)
    const tables = new Map<number, Float64Array>()
    const table = (quorum: number): Float64Array => {
      let thresholds = tables.get(quorum)
      if (thresholds === undefined) {
        thresholds = new Float64Array(nodes)
        // Only the binomial tail is shared with the theory, never its closed form, and the
        // message-level path (which draws every message) checks this path statistically.
        for (let m = 0; m < nodes; m++) thresholds[m] = deliveryThreshold(binomialTails(m, quorum, p).upper)
        tables.set(quorum, thresholds)
      }
      return thresholds
    }
    this.primaryThreshold = table(needs.primaryPrepares)
    this.backupThreshold = table(needs.backupPrepares)
    this.commitThreshold = table(needs.commits)
    this.clientThreshold = new Float64Array(nodes + 1)
    for (let z = 0; z <= nodes; z++) this.clientThreshold[z] = deliveryThreshold(binomialTails(z, weakQuorum(f), clientP).upper)
    this.verdicts = new VerdictCache(nodes, f)
  }

  /**
   * Plays `rounds` rounds from `rng` and adds them to `tally`.
   *
   * Messages: `sent` is exact (it only depends on the set sizes: N - 1 PRE-PREPAREs, (x - 1)²
   * PREPAREs since each of the x - 1 backups in V_pp sends to the x - 1 others, y(y - 1) COMMITs).
   * Delivered PRE-PREPAREs are exact (x - 1); PREPAREs and COMMITs are left `undrawnSent`, whose
   * deliveries are counted at their expectation p per message. That keeps the mean unbiased:
   * whether a PREPARE (COMMIT) is delivered is independent of how many were sent, which depends
   * only on earlier phases.
   *
   * The client (metric B): with `viewRng`, one draw per round from it, after the round's
   * draws: every committed replica sends one REPLY and the client accepts once f + 1 arrive,
   * i.e. with probability T(z, f + 1; clientP). The main stream, and so every other figure,
   * is the same with or without it.
   */
  playRounds(rng: Rng, rounds: number, tally: SimulationTally, viewRng?: Rng): void {
    const n = this.nodes
    const deliver = this.deliver
    const { primaryThreshold, backupThreshold, commitThreshold } = this
    const verdicts = this.verdicts
    const failures = new Float64Array(PHASES.length)
    let successes = 0
    let sent = 0
    let delivered = 0
    let undrawnSent = 0
    let clientAccepts = 0
    const clientThreshold = this.clientThreshold
    for (let round = 0; round < rounds; round++) {
      let x = 1 // the primary holds the proposal
      for (let j = 1; j < n; j++) if (rng.nextU32() < deliver) x++

      let y = rng.nextU32() < (primaryThreshold[x - 1] ?? 0) ? 1 : 0
      const backupPrepares = backupThreshold[x - 2] ?? 0
      for (let b = 1; b < x; b++) if (rng.nextU32() < backupPrepares) y++

      let z = 0
      const commits = commitThreshold[y - 1] ?? 0
      for (let c = 0; c < y; c++) if (rng.nextU32() < commits) z++

      sent += n - 1
      delivered += x - 1
      undrawnSent += (x - 1) * (x - 1) + y * (y - 1)
      if (viewRng !== undefined && viewRng.nextU32() < (clientThreshold[z] ?? 0)) clientAccepts++
      const code = verdicts.code(x, y, z)
      if (code === 0) successes++
      else failures[code - 1] = (failures[code - 1] ?? 0) + 1
    }
    tally.rounds += rounds
    tally.successes += successes
    tally.failures = tally.failures.map((count, phase) => count + (failures[phase] ?? 0))
    tally.sent += sent + undrawnSent
    tally.delivered += delivered
    tally.undrawnSent += undrawnSent
    tally.clientAccepts += clientAccepts
    // One view per round: the fast path plays the classic round (views = 1).
    tally.viewsUsed += rounds
  }
}
