/** The 97.5 % standard normal quantile: a two-sided 95 % interval. */
export const Z95 = 1.959963984540054

/**
 * The Wilson score interval for a binomial proportion at quantile `z`.
 *
 * Unlike the normal (Wald) interval it stays inside [0, 1] and is not degenerate at 0 or n
 * successes, which is exactly where reliability curves live (p near 0 or 1).
 * With no trials nothing is known, so the whole of [0, 1] is returned.
 */
export function wilson(successes: number, trials: number, z: number): [number, number] {
  if (trials <= 0) return [0, 1]
  const rate = successes / trials
  const z2n = (z * z) / trials
  const centre = (rate + z2n / 2) / (1 + z2n)
  const half = (z * Math.sqrt((rate * (1 - rate)) / trials + z2n / (4 * trials))) / (1 + z2n)
  // At 0 (or n) successes the bound is exactly 0 (or 1); rounding could miss it by an ulp.
  const low = successes <= 0 ? 0 : Math.max(0, centre - half)
  const high = successes >= trials ? 1 : Math.min(1, centre + half)
  return [low, high]
}

/** The 95 % Wilson score interval for `successes` out of `trials`. */
export function wilson95(successes: number, trials: number): [number, number] {
  return wilson(successes, trials, Z95)
}
