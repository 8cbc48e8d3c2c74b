import { describe, expect, it } from 'vitest'
import { quorumThresholds, QUORUM_RULES } from '../../src/quorum'
import { pmfExtended, tailChance } from '../../src/theory/extendedBinomial'
import { add, chanceOf, divide, fromLog, logOf, multiply, ONE, toNumber, ZERO, type Chance, type Extended } from '../../src/theory/extended'
import { WeightTable, weightedSum, type Weight } from '../../src/theory/weightedSum'

/** Every term, no cut-off at all: the reference for the walk. */
function bruteForce(m: number, c: Chance, a: number, b: number, weight: Weight): Extended {
  let total = ZERO
  for (let j = Math.max(0, a); j <= Math.min(b, m); j++) {
    const w = add(multiply(weight.s1, weight.table.at(j + 1)), multiply(weight.s0, weight.table.at(j)))
    total = add(total, multiply(pmfExtended(j, m, c), w))
  }
  return total
}

/** |x / y - 1|, from the mantissas and exponents (no logarithm's rounding). */
function relative(x: Extended, y: Extended): number {
  return Math.abs(toNumber(divide(x, y)) - 1)
}

/** A few ulps, and about |ln value| ulps for values whose logarithm is large (Loader's formula). */
function allowed(value: Extended): number {
  return 1e-14 + 2e-16 * Math.abs(logOf(value))
}

/** A table from natural logs of its entries. */
function tableOf(size: number, start: number, increasing: boolean, logConcave: boolean, log: (y: number) => number): WeightTable {
  return new WeightTable({ size, start, increasing, logConcave }, (y) => fromLog(log(y)))
}

describe('weightedSum', () => {
  it('equals the sum of every term, for weights from flat to 10^-3000 across the row', () => {
    const m = 400
    for (const [p, q] of [[0.5, 0.5], [0.9, 0.1], [0.02, 0.98], [1e-200, 1]] as const) {
      const c = chanceOf(p, q)
      for (const steep of [0, 0.01, 1, 20]) {
        // log G concave and increasing (or decreasing), from -steep·m... to 0.
        const rising = tableOf(m + 2, 0, true, true, (y) => -steep * (m + 1 - y) - 1e-4 * (m + 1 - y) ** 2)
        const falling = tableOf(m + 2, 0, false, true, (y) => -steep * y - 1e-4 * y * y)
        for (const table of [rising, falling]) {
          for (const weight of [
            { s1: ZERO, s0: ONE, table },
            { s1: fromLog(-3), s0: fromLog(Math.log1p(-Math.exp(-3))), table },
          ]) {
            for (const [a, b] of [[0, m], [150, 390], [380, 400]] as const) {
              const got = weightedSum(m, c, a, b, weight)
              const want = bruteForce(m, c, a, b, weight)
              expect(relative(got, want), `p=${p} steep=${steep} [${a}, ${b}]`).toBeLessThan(allowed(want))
            }
          }
        }
      }
    }
  })

  it('sums a table that is not log-concave correctly when it says so, and not when it lies', () => {
    // Weights step up by e^200 at y = 280: the terms fall away from the mode (150), then jump
    // at 280 (B there is e^-140 against the plateau's e^-200), and those far terms dominate.
    const m = 300
    const c = chanceOf(0.5, 0.5)
    const step = (y: number): number => (y < 280 ? -200 : 0)
    const honest = tableOf(m + 1, 0, true, false, step)
    const lying = tableOf(m + 1, 0, true, true, step)
    const want = bruteForce(m, c, 0, m, { s1: ZERO, s0: ONE, table: honest })
    expect(relative(weightedSum(m, c, 0, m, { s1: ZERO, s0: ONE, table: honest }), want)).toBeLessThan(1e-13)
    // The shortcut for log-concave terms stops in the valley before the step: the flag is
    // what keeps the model's one non-log-concave table (the client's failure) right.
    expect(relative(weightedSum(m, c, 0, m, { s1: ZERO, s0: ONE, table: lying }), want)).toBeGreaterThan(0.5)
  })

  it('handles point masses and empty ranges', () => {
    const table = tableOf(11, 0, true, true, (y) => -y)
    const weight = { s1: ZERO, s0: ONE, table }
    expect(weightedSum(10, chanceOf(0, 1), 0, 10, weight)).toEqual(table.at(0))
    expect(weightedSum(10, chanceOf(1, 0), 0, 10, weight)).toEqual(table.at(10))
    expect(weightedSum(10, chanceOf(1, 0), 0, 9, weight)).toBe(ZERO)
    expect(weightedSum(10, chanceOf(0.5, 0.5), 7, 3, weight)).toBe(ZERO)
  })
})

/** Second differences of log values: > 0 somewhere means not log-concave there. */
function worstConvexity(logs: number[]): number {
  let worst = 0
  for (let i = 1; i + 1 < logs.length; i++) {
    const [a, b, c] = [logs[i - 1] ?? 0, logs[i] ?? 0, logs[i + 1] ?? 0]
    if (![a, b, c].every(Number.isFinite)) continue
    // Rounding of logs of size L: allow a few ulps of it.
    worst = Math.max(worst, a + c - 2 * b - 1e-12 * Math.max(1, Math.abs(b)))
  }
  return worst
}

describe('the tables the model declares log-concave are', () => {
  // Rebuilt here from their definitions in MODEL.md (the model's own tables are private).
  it.each(QUORUM_RULES)('%s rule, N from 4 to 301, p from 0.05 to 0.99', (rule) => {
    for (const nodes of [4, 5, 7, 10, 13, 25, 50, 100, 301]) {
      for (const p of [0.05, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99]) {
        const f = Math.floor((nodes - 1) / 3)
        const r = nodes - f
        const t = quorumThresholds(nodes, f, rule)
        const chance = chanceOf(p, 1 - p)
        const reach = (m: number, k: number): Chance => tailChance(m, k, chance)
        const size = nodes + 1
        const shape = { size, logConcave: true }
        const commit = (y: number): Chance => tailChance(y, r, reach(y - 1, t.commits))
        const committed = new WeightTable({ ...shape, start: r, increasing: true }, (y) => commit(y).p)
        const uncommitted = new WeightTable({ ...shape, start: r, increasing: false }, (y) => commit(y).q)
        const replies = new WeightTable({ ...shape, start: f + 1, increasing: true }, (z) => reach(z, f + 1).p)
        const noReplies = new WeightTable({ ...shape, start: 0, increasing: false }, (z) => reach(z, f + 1).q)
        const accepts = new WeightTable({ ...shape, start: f + 1, increasing: true }, (y) =>
          weightedSum(y, reach(y - 1, t.commits), f + 1, y, { s1: ZERO, s0: ONE, table: replies }),
        )
        const given = (x: number, table: WeightTable): Extended => {
          const q0 = reach(x - 1, t.primaryPrepares)
          return weightedSum(x - 1, reach(x - 2, t.backupPrepares), table.start - 1, x - 1, { s1: q0.p, s0: q0.q, table })
        }
        const unprepared = (x: number): Extended => {
          const q0 = reach(x - 1, t.primaryPrepares)
          const q1 = reach(x - 2, t.backupPrepares)
          return add(multiply(q0.p, tailChance(x - 1, r - 1, q1).q), multiply(q0.q, tailChance(x - 1, r, q1).q))
        }
        const ys = Array.from({ length: size }, (_, y) => y)
        const xs = Array.from({ length: nodes }, (_, i) => i + 1)
        const atLeast = (x: number, value: () => Extended): number => (x >= r ? logOf(value()) : Number.NEGATIVE_INFINITY)
        const series: Record<string, number[]> = {
          committed: ys.map((y) => logOf(committed.at(y))),
          uncommitted: ys.map((y) => logOf(uncommitted.at(y))),
          replies: ys.map((y) => logOf(replies.at(y))),
          noReplies: ys.map((y) => logOf(noReplies.at(y))),
          accepts: ys.map((y) => logOf(accepts.at(y))),
          success: xs.map((x) => atLeast(x, () => given(x, committed))),
          prepareFailure: xs.map((x) => atLeast(x, () => unprepared(x))),
          commitFailure: xs.map((x) => atLeast(x, () => given(x, uncommitted))),
          failure: xs.map((x) => atLeast(x, () => add(unprepared(x), given(x, uncommitted)))),
          clientAccept: xs.map((x) => logOf(given(x, accepts))),
        }
        for (const [name, logs] of Object.entries(series)) {
          expect(worstConvexity(logs), `${name} N=${nodes} p=${p}`).toBe(0)
        }
      }
    }
  }, 120_000)
})
