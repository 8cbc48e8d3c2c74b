/**
 * An independent double-precision evaluation of MODEL.md's formula, for tests only.
 *
 * It shares nothing numerical with `src/theory` but the formula itself:
 * - the tails T(m, 2f; p) come from Pascal's rule B(m+1, j) = p B(m, j-1) + (1-p) B(m, j),
 *   which only adds non-negative products and so keeps every entry (and every partial sum, on
 *   either side of the threshold) to a relative error of about 2m ulps, complements included;
 * - the other rows, whose probabilities differ from row to row, are built by the ratio
 *   recurrence from an unnormalised 1 at the mode and then divided by their sum, so no
 *   Stirling/saddle-point formula is involved.
 * It is O(N^2) (Pascal's triangle), hence only for tests.
 */
import { defaultFaultBound } from '../../src/quorum'

// Terms below this fraction of the peak are dropped from a normalised row.
const CUTOFF = 1e-30

interface Row {
  lo: number
  values: Float64Array
}

/** Bin(m, p) around its mode, normalised to sum 1; `q = 1 - p` given accurately. */
function normalisedRow(m: number, p: number, q: number): Row {
  if (m === 0 || p === 0) return { lo: 0, values: Float64Array.of(1) }
  if (q === 0) return { lo: m, values: Float64Array.of(1) }
  // The mode (give or take one): the walks below then only see terms below about 1.
  const start = Math.min(m, Math.floor((m + 1) * p))
  const up: number[] = []
  let t = 1
  for (let j = start; j < m; j++) {
    t *= ((m - j) * p) / ((j + 1) * q)
    if (t < CUTOFF && j > start + 1) break
    up.push(t)
  }
  const down: number[] = []
  t = 1
  for (let j = start; j > 0; j--) {
    t *= (j * q) / ((m - j + 1) * p)
    if (t < CUTOFF && j < start - 1) break
    down.push(t)
  }
  const lo = start - down.length
  const values = new Float64Array(down.length + 1 + up.length)
  down.reverse().forEach((v, i) => (values[i] = v))
  values[down.length] = 1
  up.forEach((v, i) => (values[down.length + 1 + i] = v))
  let sum = 0
  for (const v of values) sum += v
  for (let i = 0; i < values.length; i++) values[i] = (values[i] ?? 0) / sum
  return { lo, values }
}

/** `P[Bin(m, p) >= k]` from a normalised row. */
function rowTail(row: Row, k: number): number {
  let s = 0
  for (let i = Math.max(0, k - row.lo); i < row.values.length; i++) s += row.values[i] ?? 0
  return s
}

/** MODEL.md's success probability, evaluated independently of `src/theory` (O(N^2)). */
export function pascalSuccessProbability(nodes: number, p: number, f: number = defaultFaultBound(nodes)): number {
  const n = nodes
  const k = 2 * f
  const r = n - f
  const pc = 1 - p

  // upper[m + 1], lower[m + 1] = T(m, k; p) and 1 - T(m, k; p), for m = -1..N-1.
  const upper = new Float64Array(n + 1)
  const lower = new Float64Array(n + 1)
  upper[0] = k <= 0 ? 1 : 0
  lower[0] = 1 - (upper[0] ?? 0)
  const pascal = new Float64Array(n + 1)
  pascal[0] = 1
  for (let m = 0; m < n; m++) {
    if (m > 0) {
      for (let j = m; j >= 1; j--) pascal[j] = p * (pascal[j - 1] ?? 0) + pc * (pascal[j] ?? 0)
      pascal[0] = pc * (pascal[0] ?? 0)
    }
    let hi = 0
    let lo = 0
    for (let j = 0; j <= m; j++) {
      if (j >= k) hi += pascal[j] ?? 0
      else lo += pascal[j] ?? 0
    }
    upper[m + 1] = hi
    lower[m + 1] = lo
  }
  // pascal now holds Bin(N-1, p).

  const committed = new Float64Array(n + 1)
  for (let y = r; y <= n; y++) {
    committed[y] = rowTail(normalisedRow(y, upper[y] ?? 0, lower[y] ?? 0), r)
  }

  let total = 0
  for (let x = r; x <= n; x++) {
    const weight = pascal[x - 1] ?? 0
    if (weight === 0) continue
    const row = normalisedRow(x - 1, upper[x - 1] ?? 0, lower[x - 1] ?? 0)
    const b = (j: number): number => row.values[j - row.lo] ?? 0
    let inner = 0
    for (let y = Math.max(r, row.lo); y <= Math.min(x, row.lo + row.values.length); y++) {
      inner += ((upper[x] ?? 0) * b(y - 1) + (lower[x] ?? 0) * b(y)) * (committed[y] ?? 0)
    }
    total += weight * inner
  }
  return total
}
