/**
 * The closed form of shared/MODEL.md evaluated in floating point with extended exponents, so
 * that every value (the success probability, its complement, each phase's share of it, the
 * client's view) keeps its relative precision down to the smallest double and beyond:
 *
 *   P = Σ_x B(nb, x-1; p) Σ_j B(x-1, j; q1(x)) [q0(x)·G(j+1) + (1-q0(x))·G(j)]
 *
 * x = |V_pp|, j = prepared backups (y = j + 1 with a prepared primary, j without), nb the
 * honest backups, q0, q1, q2 the chances to reach the rule's thresholds, and G(y) what y
 * prepared replicas go on to give: C(y) = T(y, N-f; q2(y)) for success, 1 - C(y) for a commit
 * failure, the client's acceptance for metric B. Every sum is of non-negative terms, so the
 * complement 1 - P is computed as the sum of the complementary events, never by subtraction.
 *
 * Sums walk outward from the mode with cut-offs relative to their own result (weightedSum),
 * and the tables are filled lazily, so only the O(sqrt N) rows that matter are computed.
 */
import { quorumThresholds, successThreshold, type QuorumRule } from '../quorum'
import { tailChance } from './extendedBinomial'
import { add, chanceOf, multiply, ONE, ZERO, type Chance, type Extended } from './extended'
import { WeightTable, weightedSum, type TableShape } from './weightedSum'

export interface ModelOptions {
  f: number
  quorumRule: QuorumRule
  /** Backups that never send nor receive anything (silent Byzantine replicas). */
  silentBackups: number
}

/** The failure probability split by the phase whose set fell short first. */
export interface PhaseShares<T> {
  prePrepare: T
  prepare: T
  commit: T
}

export class ReliabilityModel {
  private readonly nodes: number
  /** N - f: the replicas that must commit. */
  private readonly needed: number
  /** Honest backups: they receive the pre-prepare with probability p each. */
  private readonly backups: number
  private readonly thresholds: ReturnType<typeof quorumThresholds>
  private readonly p: Chance
  private readonly tails = new Map<number, (Chance | undefined)[]>()
  private readonly commits: (Chance | undefined)[]
  private readonly committed: WeightTable
  private readonly uncommitted: WeightTable
  private readonly clientAccepts: WeightTable
  private readonly clientRejects: WeightTable

  /** `pc` is 1 - p given accurately (for a decimal p, its decimal complement). */
  constructor(nodes: number, p: number, pc: number, options: ModelOptions) {
    const { f, quorumRule, silentBackups } = options
    this.nodes = nodes
    this.needed = successThreshold(nodes, f)
    this.backups = nodes - 1 - silentBackups
    this.thresholds = quorumThresholds(nodes, f, quorumRule)
    this.p = chanceOf(p, pc)
    const size = nodes + 1
    this.commits = new Array<Chance | undefined>(size)
    const rising = { size, increasing: true, logConcave: true }
    const falling = { size, increasing: false, logConcave: true }
    this.committed = new WeightTable({ ...rising, start: this.needed }, (y) => this.commitChance(y).p)
    this.uncommitted = new WeightTable({ ...falling, start: this.needed }, (y) => this.commitChance(y).q)
    // The client accepts on f + 1 of the z committed replicas' REPLYs, each delivered with p.
    const replies = new WeightTable({ ...rising, start: f + 1 }, (z) => tailChance(z, f + 1, this.p).p)
    const noReplies = new WeightTable({ ...falling, start: 0 }, (z) => tailChance(z, f + 1, this.p).q)
    // f + 1 commits need f + 1 prepared replicas, each hearing the rule's COMMITs from the others.
    const accepting = Math.max(f + 1, this.thresholds.commits + 1)
    this.clientAccepts = new WeightTable({ ...rising, start: accepting }, (y) => this.viaCommits(y, f + 1, replies))
    // Too few commits, or commits whose REPLYs were lost: two ways to fail, not log-concave in y.
    this.clientRejects = new WeightTable({ ...falling, start: 0, logConcave: false }, (y) => this.viaCommits(y, 0, noReplies))
  }

  /** Metric A: P[|V_c| >= N - f]. */
  success(): Extended {
    return this.overPrePrepared(this.needed, true, (x) => this.prepared(x, this.committed))
  }

  /** 1 - P as three non-negative parts: the round stopped short at pre-prepare, prepare or commit. */
  failures(): PhaseShares<Extended> {
    const prePrepare = tailChance(this.backups, this.needed - 1, this.p).q
    // P[short at prepare | x] falls as x grows, and so does the whole failure (not the commit
    // part alone, which is bounded by the whole).
    const prepare = this.byPrePrepared(this.needed, false, (x) => this.unprepared(x))
    const commit = this.byPrePrepared(this.needed, false, (x) => this.prepared(x, this.uncommitted))
    const total = this.byPrePrepared(this.needed, false, (x) => add(prepare.at(x - 1), commit.at(x - 1)))
    const bounded = this.byPrePrepared(this.needed, false, (x) => commit.at(x - 1), { envelopes: [total] })
    return { prePrepare, prepare: this.sumOver(prepare), commit: this.sumOver(bounded) }
  }

  /** Metric B: the client receives f + 1 matching REPLYs. */
  clientAccept(): Extended {
    // Fewer than that many pre-prepared replicas cannot prepare as many.
    return this.overPrePrepared(this.clientAccepts.start, true, (x) => this.prepared(x, this.clientAccepts))
  }

  /** 1 - metric B, as a sum of the complementary events. */
  clientFailure(): Extended {
    return this.overPrePrepared(1, false, (x) => this.prepared(x, this.clientRejects), { logConcave: false })
  }

  /** T(m, t; p): a replica hearing from m others reaches threshold t (m = -1 included). */
  private reaches(m: number, t: number): Chance {
    let row = this.tails.get(t)
    if (row === undefined) {
      row = new Array<Chance | undefined>(this.nodes + 1)
      this.tails.set(t, row)
    }
    let chance = row[m + 1]
    if (chance === undefined) {
      chance = tailChance(m, t, this.p)
      row[m + 1] = chance
    }
    return chance
  }

  /** q0(x): the primary hears the x - 1 backups in V_pp. */
  private q0(x: number): Chance {
    return this.reaches(x - 1, this.thresholds.primaryPrepares)
  }

  /** q1(x): a backup hears the other x - 2. */
  private q1(x: number): Chance {
    return this.reaches(x - 2, this.thresholds.backupPrepares)
  }

  /** C(y) = T(y, N - f; q2(y)) and its complement: y prepared replicas, each hearing y - 1 COMMITs. */
  private commitChance(y: number): Chance {
    let chance = this.commits[y]
    if (chance === undefined) {
      chance = tailChance(y, this.needed, this.reaches(y - 1, this.thresholds.commits))
      this.commits[y] = chance
    }
    return chance
  }

  /** Σ_z B(y, z; q2(y)) · G(z), z from `from`: what y prepared replicas give the client. */
  private viaCommits(y: number, from: number, table: WeightTable): Extended {
    const q2 = this.reaches(y - 1, this.thresholds.commits)
    return weightedSum(y, q2, from, y, { s1: ZERO, s0: ONE, table })
  }

  /** Σ_y P[|V_p| = y | x] · G(y), for a G that is zero below its table's start. */
  private prepared(x: number, table: WeightTable): Extended {
    const q0 = this.q0(x)
    return weightedSum(x - 1, this.q1(x), table.start - 1, x - 1, { s1: q0.p, s0: q0.q, table })
  }

  /** P[|V_p| < N - f | x] = q0·P[j < N-f-1] + (1-q0)·P[j < N-f], j ~ Bin(x - 1, q1). */
  private unprepared(x: number): Extended {
    const q0 = this.q0(x)
    const q1 = this.q1(x)
    const withPrimary = multiply(q0.p, tailChance(x - 1, this.needed - 1, q1).q)
    return add(withPrimary, multiply(q0.q, tailChance(x - 1, this.needed, q1).q))
  }

  /**
   * A table of what x = |V_pp| = j + 1 gives, indexed by j = the backups that received the
   * pre-prepare (x from `from`). Monotone in x: adding a replica to V_pp only adds
   * deliveries, which only help (or, for a part that is not monotone itself, bounded by a
   * monotone `envelope`).
   */
  private byPrePrepared(
    from: number,
    increasing: boolean,
    given: (x: number) => Extended,
    shape: Partial<TableShape> = {},
  ): WeightTable {
    const size = this.backups + 1
    return new WeightTable({ size, start: from - 1, increasing, logConcave: true, ...shape }, (j) => given(j + 1))
  }

  /** Σ_x B(nb, x - 1; p) · G(x - 1): the outer sum of the closed form. */
  private sumOver(table: WeightTable): Extended {
    return weightedSum(this.backups, this.p, table.start, this.backups, { s1: ZERO, s0: ONE, table })
  }

  private overPrePrepared(
    from: number,
    increasing: boolean,
    given: (x: number) => Extended,
    shape: Partial<TableShape> = {},
  ): Extended {
    return this.sumOver(this.byPrePrepared(from, increasing, given, shape))
  }
}
