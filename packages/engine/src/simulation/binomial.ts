/**
 * Binomial upper tails T(m, k; q) = P[Bin(m, q) >= k], summed term by term in log space so
 * that large m (where q^m underflows) stays accurate. Self-contained on purpose: the Monte-Carlo
 * must not lean on the closed-form theory it is used to check.
 */
export function binomialTail(m: number, k: number, q: number, logFactorials: Float64Array): number {
  if (k <= 0) return 1
  if (k > m) return 0
  if (q <= 0) return 0
  if (q >= 1) return 1
  const logQ = Math.log(q)
  const logNotQ = Math.log1p(-q)
  const logM = at(logFactorials, m)
  let sum = 0
  // Smallest terms first is not guaranteed here, but all terms are positive, so the relative
  // error stays at a few ulps per term: far below the 2^-32 resolution of a delivery threshold.
  for (let j = k; j <= m; j++) {
    const logTerm = logM - at(logFactorials, j) - at(logFactorials, m - j) + j * logQ + (m - j) * logNotQ
    sum += Math.exp(logTerm)
  }
  return Math.min(1, sum)
}

/** ln(i!) for i = 0..max. */
export function logFactorialTable(max: number): Float64Array {
  const table = new Float64Array(max + 1)
  for (let i = 2; i <= max; i++) table[i] = at(table, i - 1) + Math.log(i)
  return table
}

function at(table: Float64Array, index: number): number {
  const value = table[index]
  if (value === undefined) throw new RangeError(`log-factorial table has no entry ${index}`)
  return value
}
