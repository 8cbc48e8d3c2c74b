/**
 * Exact rational evaluation of MODEL.md's formula with BigInt. `successProbability` uses it
 * for small N, where it costs well under a millisecond, and the tests use it as the reference
 * for the floating-point algorithm.
 *
 * With p = a/b every quantity in the formula is an integer over a power of b (a tail of
 * Bin(m, a/b) is an integer over b^m, a pmf of Bin(n, t/b^m) one over b^(m n), ...), so a
 * value is kept as `num / b^exp` and no gcd is ever needed.
 */
import { DEFAULT_QUORUM_RULE, defaultFaultBound, quorumThresholds, type QuorumRule } from '../quorum'

/** The exact value `num / base^exp`. */
export interface Scaled {
  num: bigint
  exp: number
}

class Arithmetic {
  private readonly powers: bigint[] = [1n]

  constructor(readonly base: bigint) {}

  power(e: number): bigint {
    while (this.powers.length <= e) {
      this.powers.push((this.powers[this.powers.length - 1] ?? 1n) * this.base)
    }
    return this.powers[e] ?? 1n
  }

  add(x: Scaled, y: Scaled): Scaled {
    if (x.num === 0n) return y
    if (y.num === 0n) return x
    const exp = Math.max(x.exp, y.exp)
    return { num: x.num * this.power(exp - x.exp) + y.num * this.power(exp - y.exp), exp }
  }

  mul(x: Scaled, y: Scaled): Scaled {
    return { num: x.num * y.num, exp: x.exp + y.exp }
  }
}

/** Powers x^0..x^n. */
function powersOf(x: bigint, n: number): bigint[] {
  const out = [1n]
  for (let i = 1; i <= n; i++) out.push((out[i - 1] ?? 1n) * x)
  return out
}

/**
 * The pmf of Bin(n, t/d) for j = 0..n, as numerators over d^n: C(n, j) t^j (d - t)^(n-j).
 */
function pmfNumerators(n: number, t: bigint, d: bigint): bigint[] {
  const up = powersOf(t, n)
  const down = powersOf(d - t, n)
  const out: bigint[] = []
  let choose = 1n
  for (let j = 0; j <= n; j++) {
    out.push(choose * (up[j] ?? 0n) * (down[n - j] ?? 0n))
    choose = (choose * BigInt(n - j)) / BigInt(j + 1)
  }
  return out
}

/** The whole pmf of Bin(m, a/b) exactly: entry j is `P[X = j]`, over b^m. */
export function exactBinomialRow(m: number, a: bigint, b: bigint): Scaled[] {
  return pmfNumerators(m, a, b).map((num) => ({ num, exp: m }))
}

/** `P[Bin(m, a/b) >= k]` exactly, over b^m (1 for k <= 0, 0 for k > m). */
export function exactBinomialTail(m: number, k: number, a: bigint, b: bigint): Scaled {
  if (k <= 0) return { num: 1n, exp: 0 }
  if (k > m) return { num: 0n, exp: 0 }
  const terms = pmfNumerators(m, a, b)
  let num = 0n
  for (let j = k; j <= m; j++) num += terms[j] ?? 0n
  return { num, exp: m }
}

/** What the exact evaluation needs besides N and p. */
export interface ExactOptions {
  /** Fault bound, default floor((N - 1) / 3). */
  f?: number
  quorumRule?: QuorumRule
  /** Backups that never send nor receive (silent Byzantine replicas), default 0. */
  silentBackups?: number
}

/** Metric A and the three parts of 1 - P, each exactly: together they sum to exactly 1. */
export interface ExactReliability {
  success: Scaled
  failures: { prePrepare: Scaled; prepare: Scaled; commit: Scaled }
}

const ZERO: Scaled = { num: 0n, exp: 0 }

/** Everything the closed form is made of, exactly, for p = a/b. */
class ExactModel {
  readonly ar: Arithmetic
  readonly nodes: number
  readonly f: number
  /** N - f */
  readonly needed: number
  readonly backups: number
  readonly thresholds: ReturnType<typeof quorumThresholds>
  private readonly tails = new Map<string, Scaled>()

  constructor(
    nodes: number,
    readonly a: bigint,
    readonly b: bigint,
    options: ExactOptions,
  ) {
    this.ar = new Arithmetic(b)
    this.nodes = nodes
    this.f = options.f ?? defaultFaultBound(nodes)
    this.needed = nodes - this.f
    this.backups = nodes - 1 - (options.silentBackups ?? 0)
    this.thresholds = quorumThresholds(nodes, this.f, options.quorumRule ?? DEFAULT_QUORUM_RULE)
  }

  /** T(m, t; a/b), m = -1 included. */
  reaches(m: number, t: number): Scaled {
    const key = `${m}:${t}`
    let tail = this.tails.get(key)
    if (tail === undefined) {
      tail = m < 0 ? { num: t <= 0 ? 1n : 0n, exp: 0 } : exactBinomialTail(m, t, this.a, this.b)
      this.tails.set(key, tail)
    }
    return tail
  }

  /** The pre-prepare weights: w(x) = B(nb, x - 1; a/b), x = 1..nb+1. */
  weight(x: number): Scaled {
    return { num: pmfNumerators(this.backups, this.a, this.b)[x - 1] ?? 0n, exp: this.backups }
  }

  /** P[|V_p| = y | |V_pp| = x] for y = 0..x, over a shared denominator. */
  preparedRow(x: number): Scaled[] {
    const q0 = this.reaches(x - 1, this.thresholds.primaryPrepares)
    const q1 = this.reaches(x - 2, this.thresholds.backupPrepares)
    const d0 = this.ar.power(q0.exp)
    const row = pmfNumerators(x - 1, q1.num, this.ar.power(q1.exp))
    const exp = q0.exp + q1.exp * (x - 1)
    return Array.from({ length: x + 1 }, (_, y) => ({
      num: q0.num * (row[y - 1] ?? 0n) + (d0 - q0.num) * (row[y] ?? 0n),
      exp,
    }))
  }

  /** The pmf of |V_c| given |V_p| = y: B(y, z; q2(y)) for z = 0..y. */
  commitRow(y: number): Scaled[] {
    const q2 = this.reaches(y - 1, this.thresholds.commits)
    return pmfNumerators(y, q2.num, this.ar.power(q2.exp)).map((num) => ({ num, exp: q2.exp * y }))
  }

  sum(values: Iterable<Scaled>): Scaled {
    let total = ZERO
    for (const value of values) total = this.ar.add(total, value)
    return total
  }
}

/**
 * MODEL.md's closed form for p = a/b, exactly, with the rule's thresholds, split into success
 * and the phase at which a failed round fell short.
 */
export function exactReliability(nodes: number, a: bigint, b: bigint, options: ExactOptions = {}): ExactReliability {
  const model = new ExactModel(nodes, a, b, options)
  const { ar, needed } = model
  const committed: Scaled[] = []
  for (let y = needed; y <= nodes; y++) committed[y] = model.sum(model.commitRow(y).slice(needed))
  let success = ZERO
  let prePrepare = ZERO
  let prepare = ZERO
  let commit = ZERO
  for (let x = 1; x <= model.backups + 1; x++) {
    const weight = model.weight(x)
    if (x < needed) {
      prePrepare = ar.add(prePrepare, weight)
      continue
    }
    model.preparedRow(x).forEach((chance, y) => {
      const term = ar.mul(weight, chance)
      const c = committed[y]
      if (c === undefined) {
        prepare = ar.add(prepare, term)
        return
      }
      success = ar.add(success, ar.mul(term, c))
      commit = ar.add(commit, ar.mul(term, complement(c, b)))
    })
  }
  return { success, failures: { prePrepare, prepare, commit } }
}

/** MODEL.md's success probability for p = a/b, exactly (metric A). */
export function exactSuccessProbability(
  nodes: number,
  a: bigint,
  b: bigint,
  f: number = defaultFaultBound(nodes),
  quorumRule: QuorumRule = DEFAULT_QUORUM_RULE,
): Scaled {
  return exactReliability(nodes, a, b, { f, quorumRule }).success
}

/**
 * Metric B exactly: Σ_x w(x) Σ_y P[y | x] Σ_{z=f+1..y} B(y, z; q2(y)) · T(z, f+1; a/b), the
 * client accepting on f + 1 REPLYs from the z committed replicas.
 */
export function exactClientAccept(nodes: number, a: bigint, b: bigint, options: ExactOptions = {}): Scaled {
  const model = new ExactModel(nodes, a, b, options)
  const { ar, f } = model
  const accepted: Scaled[] = []
  for (let y = 0; y <= nodes; y++) {
    accepted[y] = model.sum(
      model.commitRow(y).flatMap((chance, z) => (z <= f ? [] : [ar.mul(chance, exactBinomialTail(z, f + 1, a, b))])),
    )
  }
  let total = ZERO
  for (let x = 1; x <= model.backups + 1; x++) {
    const weight = model.weight(x)
    model.preparedRow(x).forEach((chance, y) => {
      total = ar.add(total, ar.mul(ar.mul(weight, chance), accepted[y] ?? ZERO))
    })
  }
  return total
}

/** 1 - x, exactly. */
export function complement(x: Scaled, base: bigint): Scaled {
  return { num: base ** BigInt(x.exp) - x.num, exp: x.exp }
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length
}

/** `num / base^exp` as the nearest double (to within an ulp), relative accuracy kept for tiny values. */
export function scaledToNumber(x: Scaled, base: bigint): number {
  if (x.num === 0n) return 0
  const den = base ** BigInt(x.exp)
  // Keep ~80 significant bits in the integer quotient, then scale by a power of two.
  const shift = bitLength(den) - bitLength(x.num) + 80
  const quotient = shift >= 0 ? (x.num << BigInt(shift)) / den : x.num / den / (1n << BigInt(-shift))
  let value = Number(quotient)
  let s = shift
  while (s > 1000) {
    value *= 2 ** -1000
    s -= 1000
  }
  return value * 2 ** -s
}

/** log10(num / base^exp), accurate to about an ulp of its size however small the value. */
export function scaledLog10(x: Scaled, base: bigint): number {
  if (x.num === 0n) return Number.NEGATIVE_INFINITY
  const bits = bitLength(x.num)
  const shift = Math.max(0, bits - 64)
  const top = Number(x.num >> BigInt(shift))
  return Math.log10(top) + shift * Math.log10(2) - x.exp * Math.log10(Number(base))
}
