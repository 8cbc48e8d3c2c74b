/**
 * Polynomials in p with integer coefficients, for the exhaustive enumeration test: every
 * probability of a round over links that deliver with probability p is one of these.
 * `coefficients[i]` multiplies p^i.
 */
export type Polynomial = bigint[]

export const ZERO_POLY: Polynomial = []
export const ONE_POLY: Polynomial = [1n]
/** p and 1 - p. */
export const P: Polynomial = [0n, 1n]
export const Q: Polynomial = [1n, -1n]

function trim(x: Polynomial): Polynomial {
  let end = x.length
  while (end > 0 && x[end - 1] === 0n) end--
  return x.slice(0, end)
}

export function add(x: Polynomial, y: Polynomial): Polynomial {
  const out: bigint[] = []
  for (let i = 0; i < Math.max(x.length, y.length); i++) out.push((x[i] ?? 0n) + (y[i] ?? 0n))
  return trim(out)
}

export function subtract(x: Polynomial, y: Polynomial): Polynomial {
  return add(x, scale(y, -1n))
}

export function scale(x: Polynomial, factor: bigint): Polynomial {
  return trim(x.map((c) => c * factor))
}

export function multiply(x: Polynomial, y: Polynomial): Polynomial {
  if (x.length === 0 || y.length === 0) return []
  const out: bigint[] = new Array<bigint>(x.length + y.length - 1).fill(0n)
  x.forEach((a, i) => y.forEach((b, j) => (out[i + j] = (out[i + j] ?? 0n) + a * b)))
  return trim(out)
}

export function power(x: Polynomial, n: number): Polynomial {
  let out = ONE_POLY
  for (let i = 0; i < n; i++) out = multiply(out, x)
  return out
}

export function sum(terms: Iterable<Polynomial>): Polynomial {
  let total = ZERO_POLY
  for (const term of terms) total = add(total, term)
  return total
}

export function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n
  let out = 1n
  for (let i = 0; i < k; i++) out = (out * BigInt(n - i)) / BigInt(i + 1)
  return out
}

/** P[Bin(n, x) = j] for a probability x that is itself a polynomial. */
export function binomial(n: number, j: number, x: Polynomial): Polynomial {
  if (j < 0 || j > n) return ZERO_POLY
  return scale(multiply(power(x, j), power(subtract(ONE_POLY, x), n - j)), choose(n, j))
}

/** P[Bin(n, x) >= t]: 1 for t <= 0, 0 for t > n. */
export function tail(n: number, t: number, x: Polynomial): Polynomial {
  if (t <= 0) return ONE_POLY
  const terms: Polynomial[] = []
  for (let j = t; j <= n; j++) terms.push(binomial(n, j, x))
  return sum(terms)
}

/** Σ counts[d] p^d (1-p)^(links - d): outcomes of `links` links, counted by how many delivered. */
export function fromHistogram(counts: readonly number[], links: number): Polynomial {
  return sum(counts.map((count, d) => (count === 0 ? ZERO_POLY : scale(multiply(power(P, d), power(Q, links - d)), BigInt(count)))))
}

/** The value at p = a/b, as a fraction num / b^degree-bound. */
export function evaluate(x: Polynomial, a: bigint, b: bigint): { num: bigint; den: bigint } {
  const degree = Math.max(0, x.length - 1)
  let num = 0n
  x.forEach((c, i) => (num += c * a ** BigInt(i) * b ** BigInt(degree - i)))
  return { num, den: b ** BigInt(degree) }
}
