/**
 * The workhorse of the exact theory: Σ_{j=a..b} B(m, j; q) · W(j), W(j) = s1·G(j+1) + s0·G(j)
 * for a table G that is monotone on its support (or bounded by a monotone envelope). The
 * closed form is two such sums nested: over y with G what y prepared replicas give, mixed by
 * s1 = q0 (the primary prepared or not), and over x with G the inner sum.
 *
 * Cut-offs are relative to the sum itself, never to a row's own peak, so a sum of 10^-3000 keeps
 * every term that matters to it:
 * - the walk starts where the terms peak: the row's mode when the weights are nearly flat,
 *   else the peak of B(j)·W(j) found by searching its logarithm (the terms that matter for a
 *   commit failure can sit 10^3 indices away from the row's mode);
 * - it walks outward and stops once what is left is below 2^-60 of the sum, by either of two
 *   bounds. (1) Blocks of doubling length cover the rest: a block's binomial mass follows from
 *   the last ratio (no later one exceeds it: the row is log-concave) or from the mode's term,
 *   its weight from the table's monotonicity. This holds for any table, but is loose where
 *   the row and the weights both change by e^1000 per step. (2) For a log-concave table the
 *   terms are log-concave in j too (the row is, and mixing two neighbours keeps it), so once
 *   they fall, by a ratio ρ, the rest is at most last · ρ / (1 - ρ). Tables declare it; the
 *   model's are tested to be (weightedSum.spec.ts), except the client's failure, which mixes
 *   two ways to fail and is not. (2) is only used after the terms fell twice in a row, and
 *   with a 2^-10 margin.
 */
import { modeOf, oddsOf, pmfExtended } from './extendedBinomial'
import {
  add,
  atMost,
  divide,
  DOWN,
  isZero,
  larger,
  logOf,
  multiply,
  ONE,
  ratioOf,
  Register,
  UP,
  ZERO,
  type Chance,
  type Extended,
} from './extended'

const TOLERANCE = 2 ** -60
/** Blocks of a walk never number this many (2^64 indices); each may take this share of the tolerance unlooked-at. */
const BLOCKS = 64
/** Steps between two fresh evaluations of a term: a ratio's rounding would otherwise compound. */
const REANCHOR = 16
/** Steps between two checks of the block bound. */
const CHECK_EVERY = 4
/** Ranges shorter than this are walked from the row's mode without a search. */
const SEARCH_FROM = 32
/** Weights varying by more than e^40 over a range may put the peak of the terms far from the mode. */
const FLAT_WEIGHTS = 40

/** How a weight table behaves, which is what lets a walk stop early. */
export interface TableShape {
  /** Entries y = 0..size-1. */
  size: number
  /** Entries below this are zero. */
  start: number
  /** Monotone from `start` on, this way (or bounded entry by entry by `envelope`, which is). */
  increasing: boolean
  /**
   * Whether log G is concave on the support: then so are the terms of a walk, and a walk may
   * stop by bound (2). True only for tables tested to be (weightedSum.spec.ts).
   */
  logConcave: boolean
  /** Monotone tables each at least G entry by entry, for a G that is not monotone itself. */
  envelopes?: readonly WeightTable[]
}

/** G(y), each entry computed once, when first asked for. */
export class WeightTable {
  readonly size: number
  readonly start: number
  readonly increasing: boolean
  readonly logConcave: boolean
  /** False for a table only bounded by monotone envelopes. */
  readonly monotone: boolean
  private readonly envelopes: readonly WeightTable[]
  private readonly values: (Extended | undefined)[]

  constructor(
    shape: TableShape,
    private readonly compute: (y: number) => Extended,
  ) {
    this.size = shape.size
    this.start = shape.start
    this.increasing = shape.increasing
    this.logConcave = shape.logConcave
    this.envelopes = shape.envelopes ?? []
    this.monotone = this.envelopes.length === 0
    this.values = new Array<Extended | undefined>(shape.size)
  }

  at(y: number): Extended {
    if (y < this.start || y < 0 || y >= this.size) return ZERO
    let value = this.values[y]
    if (value === undefined) {
      value = this.compute(y)
      this.values[y] = value
    }
    return value
  }

  /** At least every entry over lo..hi (ZERO when the range misses the support). */
  maxOver(lo: number, hi: number): Extended {
    if (this.envelopes.length > 0) {
      // The smallest of the envelopes' maxima bounds every entry.
      return this.envelopes.map((envelope) => envelope.maxOver(lo, hi)).reduce((a, b) => (atMost(a, b) ? a : b))
    }
    const from = Math.max(lo, this.start, 0)
    const to = Math.min(hi, this.size - 1)
    if (from > to) return ZERO
    return this.at(this.increasing ? to : from)
  }
}

/** W(j) = s1·G(j+1) + s0·G(j). */
export interface Weight {
  s1: Extended
  s0: Extended
  table: WeightTable
}

/** Σ_{j=a..b} B(m, j; c) · (s1·G(j+1) + s0·G(j)), to a small relative error. */
export function weightedSum(m: number, c: Chance, a: number, b: number, weight: Weight): Extended {
  const lo = Math.max(a, 0)
  const hi = Math.min(b, m)
  if (lo > hi) return ZERO
  if (isZero(c.p) || isZero(c.q)) {
    const j = isZero(c.p) ? 0 : m
    return j < lo || j > hi ? ZERO : weightAt(weight, j)
  }
  const walk = new Walk(m, c, weight)
  if (isZero(walk.weightOver(lo, hi)) || isZero(walk.mix)) return ZERO
  const start = walk.startBetween(lo, hi)
  walk.sum.set(0, 0)
  const first = pmfExtended(start, m, c)
  walk.addTerm(first, start)
  walk.run(first, start, hi, 1)
  walk.run(first, start, lo, -1)
  return walk.sum.value()
}

function weightAt(weight: Weight, j: number): Extended {
  const { s1, s0, table } = weight
  const upper = isZero(s1) ? ZERO : multiply(s1, table.at(j + 1))
  return add(upper, isZero(s0) ? ZERO : multiply(s0, table.at(j)))
}

/** One sum's walks: terms by exact ratios (re-anchored every REANCHOR steps), all in registers. */
class Walk {
  readonly sum = new Register()
  readonly mix: Extended
  private readonly term = new Register()
  private readonly bound = new Register()
  private readonly block = new Register()
  private readonly power = new Register()
  private readonly share = new Register()
  private readonly weighted = new Register()
  private readonly last = new Register()
  private readonly previous = new Register()
  private readonly odds: Extended
  private readonly inverseOdds: Extended
  /** The row's mode and its term (computed when first needed). */
  private readonly mode: number
  private modeTerm: Extended | null = null
  /** Whether W uses G(j + 1) at all (s1 > 0). */
  private readonly mixed: boolean

  constructor(
    private readonly m: number,
    private readonly c: Chance,
    private readonly weight: Weight,
  ) {
    this.odds = oddsOf(c)
    this.inverseOdds = divide(ONE, this.odds)
    this.mix = larger(weight.s1, weight.s0)
    this.mode = modeOf(m, c)
    this.mixed = !isZero(weight.s1)
  }

  /** The largest G a term between indices `near` and `far` uses. */
  weightOver(near: number, far: number): Extended {
    return this.weight.table.maxOver(Math.min(near, far), Math.max(near, far) + (this.mixed ? 1 : 0))
  }

  /**
   * Where to start: the peak of the terms. For a monotone table, terms on the side of the
   * mode where the weights fall are below the mode's term, so the peak lies on the other side;
   * it is near the mode unless the weights grow by much more than the row shrinks. So: the
   * mode, if the weights are nearly flat; else an exponential search away from the mode
   * (mode + 1, + 2, + 4, ...) until the terms fall, then a ternary search in the last bracket.
   * A table that is only bounded by envelopes may peak on either side: both are searched.
   * Touching indices near the mode first keeps the weights it computes mostly ones the walk
   * needs anyway.
   */
  startBetween(lo: number, hi: number): number {
    const mode = Math.min(hi, Math.max(lo, this.mode))
    const { table } = this.weight
    if (!table.monotone) {
      const [down, up] = [this.peakTowards(mode, lo, hi, -1), this.peakTowards(mode, lo, hi, 1)]
      return this.score(down) >= this.score(up) ? down : up
    }
    const direction = table.increasing ? 1 : -1
    const end = direction === 1 ? hi : lo
    if (Math.abs(end - mode) < SEARCH_FROM) return mode
    if (logOf(this.weightOver(end, end)) - logOf(weightAt(this.weight, mode)) <= FLAT_WEIGHTS) return mode
    return this.peakTowards(mode, lo, hi, direction)
  }

  /** log(B(j) · W(j)). */
  private score(j: number): number {
    return logOf(multiply(pmfExtended(j, this.m, this.c), weightAt(this.weight, j)))
  }

  /** The peak of the terms between the mode and the end of the range in `direction`. */
  private peakTowards(mode: number, lo: number, hi: number, direction: 1 | -1): number {
    const end = direction === 1 ? hi : lo
    // Exponential steps while the terms rise: the peak is then between the point before the
    // last rise and the first point that did not rise (or the end of the range).
    let before = mode
    let previous = mode
    let best = this.score(mode)
    let beyond = end
    for (let step = 1; previous !== end; step *= 2) {
      const next = direction === 1 ? Math.min(hi, mode + step) : Math.max(lo, mode - step)
      const value = this.score(next)
      // (Through a run of zero weights, -Infinity twice is no fall: keep going.)
      if (value <= best && !(value === Number.NEGATIVE_INFINITY && best === Number.NEGATIVE_INFINITY)) {
        beyond = next
        break
      }
      before = previous
      previous = next
      best = value
    }
    let from = Math.min(before, beyond)
    let to = Math.max(before, beyond)
    while (to - from > 2) {
      const third = Math.floor((to - from) / 3)
      if (this.score(from + third) < this.score(to - third)) from += third + 1
      else to -= third
    }
    let peak = from
    for (let j = from + 1; j <= to; j++) if (this.score(j) > this.score(peak)) peak = j
    return peak
  }

  /** Adds B(j) · W(j) to the sum; the term added is left in `last` (and the one before in `previous`). */
  addTerm(term: Extended | Register, j: number): void {
    const { s1, s0, table } = this.weight
    this.previous.setTo(this.last)
    this.last.set(0, 0)
    if (this.mixed) {
      const upper = table.at(j + 1)
      this.weighted.set(s1.m, s1.k).multiply(upper.m, upper.k)
      this.last.addProduct(term.m, term.k, this.weighted.m, this.weighted.k)
    }
    const lower = table.at(j)
    this.weighted.set(s0.m, s0.k).multiply(lower.m, lower.k)
    this.last.addProduct(term.m, term.k, this.weighted.m, this.weighted.k)
    this.sum.addProduct(this.last.m, this.last.k, 1, 0)
  }

  /** Walks from `start` (already added, its term `first`) to `end`, until the rest is negligible. */
  run(first: Extended, start: number, end: number, direction: 1 | -1): void {
    const { m, c, term } = this
    const odds = direction === 1 ? this.odds : this.inverseOdds
    term.setTo(first)
    this.last.set(0, 0)
    let falls = 0
    for (let j = start, steps = 1; direction === 1 ? j < end : j > end; steps++) {
      const ratio = (direction === 1 ? (m - j) / (j + 1) : j / (m - j + 1)) * odds.m
      j += direction
      if (steps % REANCHOR === 0) term.setTo(pmfExtended(j, m, c))
      else term.multiply(ratio, odds.k)
      this.addTerm(term, j)
      falls = this.last.m > 0 && this.last.atMostScaled(this.previous, 1) ? falls + 1 : 0
      if (falls >= 2 && this.weight.table.logConcave && this.fallingRestIsNegligible()) return
      // Bound (1) costs a few dozen operations: every CHECK_EVERY steps is soon enough.
      if (steps % CHECK_EVERY !== 1 && Math.abs(end - j) > 1) continue
      // The ratio just applied, as a double. The row is log-concave, so no later ratio exceeds it.
      const r = odds.k === 0 ? ratio : odds.k === 1 ? ratio * UP : odds.k === -1 ? ratio * DOWN : odds.k < 0 ? 0 : Infinity
      if (this.restIsNegligible(j, end, direction, ratio, odds.k, r)) return
    }
  }

  /** Bound (2): last · ρ / (1 - ρ), ρ = last / previous < 1, with a 2^-10 margin. */
  private fallingRestIsNegligible(): boolean {
    const { last, previous, bound } = this
    const rho = ratioOf(last, previous)
    if (!(rho < 1)) return false
    bound.setTo(last).multiply(1 / (1 - rho), 0)
    if (rho > DOWN) bound.multiply(rho, 0)
    else bound.multiply(last.m / previous.m, last.k - previous.k)
    return bound.atMostScaled(this.sum, TOLERANCE * 2 ** -10)
  }

  /**
   * Whether all terms after j (towards `end`) are below 2^-60 of the sum. The block of terms
   * d..2d-1 steps on holds at most term · r^d / (1 - r) of binomial mass when r < 1, else at
   * most its length times min(the mode's term, term · r^(2d)); its weights are bounded by
   * the table's monotonicity.
   */
  private restIsNegligible(j: number, end: number, direction: 1 | -1, ratio: number, ratioK: number, r: number): boolean {
    const { block, power, term } = this
    const remaining = Math.abs(end - j)
    if (remaining === 0) return true
    if (r >= 1) this.modeTerm ??= pmfExtended(this.mode, this.m, this.c)
    const largest = this.weightOver(j + direction, end)
    this.bound.set(0, 0)
    // r^d for the first term of the block (r < 1), or r^(2d - 1) for its last (r >= 1).
    power.set(ratio, ratioK)
    for (let d = 1; d <= remaining; d *= 2) {
      const last = Math.min(remaining, 2 * d - 1)
      if (r < 1) {
        block.setTo(term).multiply(power.m, power.k).multiply(1 / (1 - r), 0)
        power.multiply(power.m, power.k)
      } else {
        block.setTo(term).multiply(power.m, power.k)
        if (this.modeTerm !== null && atMost(this.modeTerm, block)) block.setTo(this.modeTerm)
        block.multiply(last - d + 1, 0)
        power.multiply(power.m, power.k).multiply(ratio, ratioK)
      }
      if (block.m === 0) break
      if (!this.addBlock(j, direction, d, last, largest)) return false
    }
    return this.bound.atMostScaled(this.sum, TOLERANCE)
  }

  /**
   * Adds `block` (the binomial mass of the terms first..last steps on) times a bound on their
   * weights to `bound`: the largest weight of all when that is already negligible, else the
   * block's own. Returns false as soon as the bound is too large to stop.
   */
  private addBlock(j: number, direction: 1 | -1, first: number, last: number, largest: Extended): boolean {
    const { block, bound, share, mix, sum } = this
    // Each term's weight is at most 2 · mix · (the larger of its two G).
    share.setTo(block).multiply(2 * mix.m, mix.k).multiply(largest.m, largest.k)
    if (first > 1 && share.atMostScaled(sum, TOLERANCE / BLOCKS)) {
      bound.addProduct(share.m, share.k, 1, 0)
      return true
    }
    const own = this.weightOver(j + direction * first, j + direction * last)
    share.setTo(block).multiply(2 * mix.m, mix.k).multiply(own.m, own.k)
    bound.addProduct(share.m, share.k, 1, 0)
    return bound.atMostScaled(sum, TOLERANCE)
  }
}
