/**
 * Every link outcome of an all-honest round at N = 4 and N = 5, for both quorum rules, in
 * exact integer polynomials in p: the probability of success, and of stopping short at each
 * phase, must equal MODEL.md's closed form as polynomials, coefficient for coefficient.
 *
 * The enumeration knows nothing of the closed form: it plays the protocol on explicit sets of
 * replicas and messages, with the rules written here from their definitions (who counts which
 * vote), and only aggregates outcomes by the set each phase produces: for a given V_pp, all
 * 2^(s·s) outcomes of the s backups' PREPAREs; for a given V_p of size y, all 2^(y(y-1))
 * outcomes of its COMMITs. The closed form below is MODEL.md's formula, also written here.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { exactReliability } from '../../src/theory/exactRational'
import { EXACT_MAX_NODES, reliability } from '../../src/theory/successProbability'
import {
  add,
  binomial,
  evaluate,
  fromHistogram,
  multiply,
  ONE_POLY,
  P,
  power,
  Q,
  subtract,
  sum,
  tail,
  ZERO_POLY,
  type Polynomial,
} from './polynomial'

type Rule = 'original' | 'castro-liskov'

interface Split {
  success: Polynomial
  prePrepare: Polynomial
  prepare: Polynomial
  commit: Polynomial
}

const f = (nodes: number): number => Math.floor((nodes - 1) / 3)
/** Q = ceil((N + f + 1) / 2), written out again here rather than imported. */
const byzantineQuorum = (nodes: number): number => Math.ceil((nodes + f(nodes) + 1) / 2)

const BITS = new Uint8Array(1 << 16)
for (let i = 1; i < BITS.length; i++) BITS[i] = (BITS[i >> 1] ?? 0) + (i & 1)
const popcount = (x: number): number => (BITS[x & 0xffff] ?? 0) + (BITS[x >>> 16] ?? 0)

/**
 * Is a replica prepared, having received `heard` matching PREPAREs from other backups? Under
 * the original rule 2f from others (an honest primary sends none); under castro-liskov its
 * certificate {primary (the pre-prepare)} ∪ {itself (it sent its PREPARE)} ∪ {those backups}
 * for a backup, {itself} ∪ {those backups} for the primary, must reach Q.
 */
function isPrepared(rule: Rule, nodes: number, primary: boolean, heard: number): boolean {
  if (rule === 'original') return heard >= 2 * f(nodes)
  return (primary ? 1 : 2) + heard >= byzantineQuorum(nodes)
}

/** Committed with `heard` matching COMMITs from others: 2f, or itself plus them reaching Q. */
function isCommitted(rule: Rule, nodes: number, heard: number): boolean {
  return rule === 'original' ? heard >= 2 * f(nodes) : 1 + heard >= byzantineQuorum(nodes)
}

/** Members of a bit set, ascending. */
const members = (set: number, nodes: number): number[] => Array.from({ length: nodes }, (_, i) => i).filter((i) => (set >> i) & 1)

/** P[V_p = set] for every set, summed over V_pp (weights included); also P[|V_pp| < N - f]. */
function enumeratePrepare(rule: Rule, nodes: number): { byPrepared: Map<number, Polynomial>; prePrepare: Polynomial } {
  const needed = nodes - f(nodes)
  const byPrepared = new Map<number, Polynomial>()
  let prePrepare = ZERO_POLY
  for (let received = 0; received < 1 << (nodes - 1); received++) {
    const backups = members(received << 1, nodes) // V_pp minus the primary
    const s = backups.length
    const weight = multiply(power(P, s), power(Q, nodes - 1 - s))
    if (s + 1 < needed) {
      prePrepare = add(prePrepare, weight)
      continue
    }
    // Links: each backup in V_pp to each other member of V_pp (the primary included).
    const links: [number, number][] = backups.flatMap((from) => [0, ...backups].filter((to) => to !== from).map((to): [number, number] => [from, to]))
    const histograms = new Map<number, number[]>()
    for (let outcome = 0; outcome < 2 ** links.length; outcome++) {
      const heard = new Array<number>(nodes).fill(0)
      links.forEach(([, to], bit) => {
        if ((outcome >> bit) & 1) heard[to] = (heard[to] ?? 0) + 1
      })
      let prepared = 0
      for (const id of [0, ...backups]) if (isPrepared(rule, nodes, id === 0, heard[id] ?? 0)) prepared |= 1 << id
      const counts = histograms.get(prepared) ?? new Array<number>(links.length + 1).fill(0)
      const delivered = popcount(outcome)
      counts[delivered] = (counts[delivered] ?? 0) + 1
      histograms.set(prepared, counts)
    }
    for (const [prepared, counts] of histograms) {
      const term = multiply(weight, fromHistogram(counts, links.length))
      byPrepared.set(prepared, add(byPrepared.get(prepared) ?? ZERO_POLY, term))
    }
  }
  return { byPrepared, prePrepare }
}

/** P[|V_c| >= N - f] given V_p = set: every one of its y(y - 1) COMMIT links, both ways. */
function enumerateCommit(rule: Rule, nodes: number, prepared: number): Polynomial {
  const needed = nodes - f(nodes)
  const group = members(prepared, nodes)
  const links: [number, number][] = group.flatMap((from) => group.filter((to) => to !== from).map((to): [number, number] => [from, to]))
  const incoming = group.map((to) => links.reduce((mask, [, target], bit) => (target === to ? mask | (1 << bit) : mask), 0))
  const counts = new Array<number>(links.length + 1).fill(0)
  for (let outcome = 0; outcome < 2 ** links.length; outcome++) {
    let committed = 0
    for (const mask of incoming) if (isCommitted(rule, nodes, popcount(outcome & mask))) committed++
    if (committed >= needed) {
      const delivered = popcount(outcome)
      counts[delivered] = (counts[delivered] ?? 0) + 1
    }
  }
  return fromHistogram(counts, links.length)
}

function enumerate(rule: Rule, nodes: number): Split {
  const needed = nodes - f(nodes)
  const { byPrepared, prePrepare } = enumeratePrepare(rule, nodes)
  let success = ZERO_POLY
  let prepare = ZERO_POLY
  let commit = ZERO_POLY
  for (const [prepared, chance] of byPrepared) {
    if (members(prepared, nodes).length < needed) {
      prepare = add(prepare, chance)
      continue
    }
    const commits = enumerateCommit(rule, nodes, prepared)
    success = add(success, multiply(chance, commits))
    commit = add(commit, multiply(chance, subtract(ONE_POLY, commits)))
  }
  return { success, prePrepare, prepare, commit }
}

/** MODEL.md's closed form with the rule's thresholds, as polynomials, split like the enumeration. */
function closedForm(rule: Rule, nodes: number): Split {
  const k = 2 * f(nodes)
  const q = byzantineQuorum(nodes)
  const [t0, t1, t2] = rule === 'original' ? [k, k, k] : [q - 1, q - 2, q - 1]
  const r = nodes - f(nodes)
  let success = ZERO_POLY
  let prePrepare = ZERO_POLY
  let prepare = ZERO_POLY
  let commit = ZERO_POLY
  for (let x = 1; x <= nodes; x++) {
    const weight = binomial(nodes - 1, x - 1, P)
    if (x < r) {
      prePrepare = add(prePrepare, weight)
      continue
    }
    const q0 = tail(x - 1, t0, P)
    const q1 = tail(x - 2, t1, P)
    for (let y = 0; y <= x; y++) {
      const chance = add(multiply(q0, binomial(x - 1, y - 1, q1)), multiply(subtract(ONE_POLY, q0), binomial(x - 1, y, q1)))
      const term = multiply(weight, chance)
      if (y < r) {
        prepare = add(prepare, term)
        continue
      }
      const committed = tail(y, r, tail(y - 1, t2, P))
      success = add(success, multiply(term, committed))
      commit = add(commit, multiply(term, subtract(ONE_POLY, committed)))
    }
  }
  return { success, prePrepare, prepare, commit }
}

const cases: [Rule, number][] = [
  ['original', 4],
  ['original', 5],
  ['castro-liskov', 4],
  ['castro-liskov', 5],
]

describe.each(cases)('every link outcome, %s rule, N = %i', (rule, nodes) => {
  let enumerated: Split
  let closed: Split
  beforeAll(() => {
    enumerated = enumerate(rule, nodes)
    closed = closedForm(rule, nodes)
  })

  it('gives the closed form as a polynomial in p, phase by phase', () => {
    expect(enumerated.success).toEqual(closed.success)
    expect(enumerated.prePrepare).toEqual(closed.prePrepare)
    expect(enumerated.prepare).toEqual(closed.prepare)
    expect(enumerated.commit).toEqual(closed.commit)
    expect(sum([enumerated.success, enumerated.prePrepare, enumerated.prepare, enumerated.commit])).toEqual(ONE_POLY)
    expect(enumerated.success.length).toBeGreaterThan(10)
  })

  it('equals the engine exactly at rational p, and its float split to a few ulps', () => {
    for (const [a, b] of [[1n, 10n], [1n, 2n], [9n, 10n], [99n, 100n], [3n, 7n]] as const) {
      const exact = exactReliability(nodes, a, b, { quorumRule: rule })
      const pairs: [Polynomial, { num: bigint; exp: number }][] = [
        [closed.success, exact.success],
        [closed.prePrepare, exact.failures.prePrepare],
        [closed.prepare, exact.failures.prepare],
        [closed.commit, exact.failures.commit],
      ]
      for (const [polynomial, value] of pairs) {
        const { num, den } = evaluate(polynomial, a, b)
        expect(num * b ** BigInt(value.exp), `p = ${a}/${b}`).toBe(value.num * den)
      }
    }
    expect(nodes).toBeLessThanOrEqual(EXACT_MAX_NODES)
    const { successRate, failures } = reliability(nodes, 0.9, rule)
    const at = (x: Polynomial): number => {
      const { num, den } = evaluate(x, 9n, 10n)
      return Number(num) / Number(den)
    }
    expect(successRate).toBeCloseTo(at(enumerated.success), 15)
    expect(failures['pre-prepare']).toBeCloseTo(at(enumerated.prePrepare), 15)
    expect(failures.prepare).toBeCloseTo(at(enumerated.prepare), 15)
    expect(failures.commit).toBeCloseTo(at(enumerated.commit), 15)
  })
})

describe('the enumeration itself', () => {
  it('reproduces the public check values at p = 0.9', () => {
    const at = (x: Polynomial): number => {
      const { num, den } = evaluate(x, 9n, 10n)
      return Number(num) / Number(den)
    }
    expect(at(enumerate('original', 4).success)).toBeCloseTo(0.5214612411125161, 15)
    expect(at(enumerate('castro-liskov', 4).success)).toBeCloseTo(0.7907543172404601, 15)
    expect(at(enumerate('castro-liskov', 5).success)).toBeCloseTo(0.5999811135935901, 15)
  })

})
