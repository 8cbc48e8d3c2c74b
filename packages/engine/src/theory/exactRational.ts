/**
 * Exact rational evaluation of MODEL.md's formula with BigInt. `successProbability` uses it
 * for small N, where it costs well under a millisecond, and the tests use it as the reference
 * for the floating-point algorithm.
 *
 * With p = a/b every quantity in the formula is an integer over a power of b (a tail of
 * Bin(m, a/b) is an integer over b^m, a pmf of Bin(n, t/b^m) one over b^(m n), ...), so a
 * value is kept as `num / b^exp` and no gcd is ever needed.
 */
import { defaultFaultBound } from '../quorum'

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

/** MODEL.md's success probability for p = a/b, exactly. */
export function exactSuccessProbability(
  nodes: number,
  a: bigint,
  b: bigint,
  f: number = defaultFaultBound(nodes),
): Scaled {
  const ar = new Arithmetic(b)
  const n = nodes
  const k = 2 * f
  const r = n - f

  // prepared[m + 1] = T(m, 2f; a/b) = num / b^exp, for m = -1..N-1.
  const prepared: Scaled[] = []
  for (let m = -1; m < n; m++) {
    prepared.push(m < 0 ? { num: k <= 0 ? 1n : 0n, exp: 0 } : exactBinomialTail(m, k, a, b))
  }
  const tailAt = (m: number): Scaled => prepared[m + 1] ?? { num: 0n, exp: 0 }

  // committed[y] = T(y, r; q2(y)) with q2(y) = T(y - 1, 2f).
  const committed: Scaled[] = []
  for (let y = 0; y <= n; y++) {
    if (y < r) {
      committed.push({ num: 0n, exp: 0 })
      continue
    }
    const q2 = tailAt(y - 1)
    const terms = pmfNumerators(y, q2.num, ar.power(q2.exp))
    let num = 0n
    for (let z = r; z <= y; z++) num += terms[z] ?? 0n
    committed.push({ num, exp: q2.exp * y })
  }

  const weights = pmfNumerators(n - 1, a, b)
  let total: Scaled = { num: 0n, exp: 0 }
  for (let x = r; x <= n; x++) {
    const weight: Scaled = { num: weights[x - 1] ?? 0n, exp: n - 1 }
    if (weight.num === 0n) continue
    const q0 = tailAt(x - 1)
    const q1 = tailAt(x - 2)
    const d0 = ar.power(q0.exp)
    // Both branches share the denominator b^(exp0) · D1^(x-1).
    const row = pmfNumerators(x - 1, q1.num, ar.power(q1.exp))
    const rowExp = q0.exp + q1.exp * (x - 1)
    let inner: Scaled = { num: 0n, exp: 0 }
    for (let y = r; y <= x; y++) {
      const branch = q0.num * (row[y - 1] ?? 0n) + (d0 - q0.num) * (row[y] ?? 0n)
      inner = ar.add(inner, ar.mul({ num: branch, exp: rowExp }, committed[y] ?? { num: 0n, exp: 0 }))
    }
    total = ar.add(total, ar.mul(weight, inner))
  }
  return total
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
