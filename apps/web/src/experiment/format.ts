/** A probability for people: six decimals, or scientific notation when that would show only zeros. */
export function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return '—'
  if (rate === 0 || rate === 1 || rate >= 1e-4) return rate.toFixed(6)
  return rate.toExponential(3)
}

/** A 95 % interval as `[low, high]`. */
export function formatInterval([low, high]: readonly [number, number]): string {
  return `[${formatRate(low)}, ${formatRate(high)}]`
}
