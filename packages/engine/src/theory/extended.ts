/**
 * Non-negative numbers with an extended exponent, for the exact theory's tails.
 *
 * A success probability can be far below the smallest double (N = 1000 at p = 0.1 is about
 * 10^-500), and so can the factors of a term that still matters next to the others. A value is
 * kept as `m · 2^(448 k)` with the mantissa `m` in [2^-448, 1] (or 0) and an integer `k`:
 * multiplying by a power of two is exact, so a value never loses relative precision to
 * underflow, and the product of two mantissas (>= 2^-896) is still a normal double. Zero has
 * m = 0 and a very negative k, so it compares below everything.
 */

export interface Extended {
  readonly m: number
  readonly k: number
}

/** log2 of the step between exponents. */
const STEP_BITS = 448
export const UP = 2 ** STEP_BITS
export const DOWN = 2 ** -STEP_BITS
export const ZERO_K = -1e12
/** ln(2^448). */
const LN_STEP = STEP_BITS * Math.LN2
const LOG10_STEP = STEP_BITS * Math.log10(2)

export const ZERO: Extended = Object.freeze({ m: 0, k: ZERO_K })
export const ONE: Extended = Object.freeze({ m: 1, k: 0 })

/** `m · 2^(448 k)` normalised; `m` must be a non-negative finite number. */
export function extended(m: number, k = 0): Extended {
  if (!(m > 0)) return ZERO
  if (m === Number.POSITIVE_INFINITY) throw new RangeError('extended: the mantissa must be finite')
  while (m < DOWN) {
    m *= UP
    k--
  }
  while (m > 1) {
    m *= DOWN
    k++
  }
  return { m, k }
}

export function isZero(x: Extended): boolean {
  return x.m === 0
}

export function multiply(x: Extended, y: Extended): Extended {
  if (x.m === 0 || y.m === 0) return ZERO
  return extended(x.m * y.m, x.k + y.k)
}

/** `x · s` for a plain non-negative number s. */
export function scale(x: Extended, s: number): Extended {
  if (x.m === 0 || !(s > 0)) return ZERO
  return extended(x.m * s, x.k)
}

export function add(x: Extended, y: Extended): Extended {
  if (x.m === 0) return y
  if (y.m === 0) return x
  if (x.k === y.k) return extended(x.m + y.m, x.k)
  const [big, small] = x.k > y.k ? [x, y] : [y, x]
  const gap = big.k - small.k
  // Normalised mantissas make a gap of 3 steps a ratio below 2^-896: nothing to add.
  if (gap >= 3) return big
  return extended(big.m + small.m * (gap === 1 ? DOWN : DOWN * DOWN), big.k)
}

/** x / y for y > 0 (x / 0 is not asked for). */
export function divide(x: Extended, y: Extended): Extended {
  if (x.m === 0) return ZERO
  return extended(x.m / y.m, x.k - y.k)
}

/** x <= y. Normalised mantissas order values by k first. */
export function atMost(x: Extended, y: Extended): boolean {
  if (x.m === 0) return true
  if (y.m === 0) return false
  return x.k === y.k ? x.m <= y.m : x.k < y.k
}

export function larger(x: Extended, y: Extended): Extended {
  return atMost(x, y) ? y : x
}

/** The nearest double (0 below the subnormals, as a double would be). */
export function toNumber(x: Extended): number {
  let v = x.m
  let k = x.k
  if (v === 0) return 0
  for (; k > 0; k--) v *= UP
  for (; k < 0 && v !== 0; k++) v *= DOWN
  return v
}

/** The double of `x / 2^(448 k)`, i.e. x relative to a reference exponent (0 when it would underflow). */
export function toNumberAt(x: Extended, k: number): number {
  if (x.m === 0) return 0
  const gap = x.k - k
  if (gap === 0) return x.m
  if (gap === -1) return x.m * DOWN
  if (gap === -2) return x.m * DOWN * DOWN
  return gap < 0 ? 0 : toNumber({ m: x.m, k: gap })
}

/** The natural logarithm (-Infinity for 0). */
export function logOf(x: Extended): number {
  return x.m === 0 ? Number.NEGATIVE_INFINITY : Math.log(x.m) + x.k * LN_STEP
}

export function log10Of(x: Extended): number {
  return x.m === 0 ? Number.NEGATIVE_INFINITY : Math.log10(x.m) + x.k * LOG10_STEP
}

/** e^L as an extended number, for L <= 0 (its relative error is that of L's absolute error). */
export function fromLog(logValue: number): Extended {
  if (logValue === Number.NEGATIVE_INFINITY) return ZERO
  // (+ 0 turns the -0 of ceil(-0.3) into 0.)
  const k = Math.ceil(logValue / LN_STEP) + 0
  return extended(Math.exp(logValue - k * LN_STEP), k)
}

/** 1 - x for an x that is not close to 1 (the caller's guarantee: x <= ~0.6 here). */
export function complementOf(x: Extended): Extended {
  return extended(1 - toNumber(x))
}

/** A probability and its complement, both accurate to a few ulps relative. */
export interface Chance {
  readonly p: Extended
  readonly q: Extended
}

export const CERTAIN: Chance = Object.freeze({ p: ONE, q: ZERO })
export const IMPOSSIBLE: Chance = Object.freeze({ p: ZERO, q: ONE })

/** A probability from doubles, with its complement given separately (e.g. 0.1 for 0.9). */
export function chanceOf(p: number, q: number): Chance {
  return { p: extended(p), q: extended(q) }
}

/** The probability as a double if that keeps its full precision (>= 2^-896), else null. */
export function linear(x: Extended): number | null {
  if (x.m === 0) return 0
  if (x.k === 0) return x.m
  return x.k === -1 ? x.m * DOWN : null
}

/** x / y as a double, for x <= y (0 when the ratio is below the doubles); y must be non-zero. */
export function ratioOf(x: Extended, y: Extended): number {
  if (x.m === 0) return 0
  const gap = x.k - y.k
  if (gap === 0) return x.m / y.m
  if (gap === -1) return (x.m / y.m) * DOWN
  if (gap === -2) return (x.m / y.m) * DOWN * DOWN
  return gap < 0 ? 0 : toNumber(divide(x, y))
}

/**
 * A mutable extended number for hot loops: sums and running products kept in two fields,
 * so that a walk over thousands of terms allocates nothing.
 */
export class Register {
  m = 0
  k = ZERO_K

  set(m: number, k: number): this {
    this.m = m
    this.k = k
    return this.normalize()
  }

  setTo(x: Extended): this {
    this.m = x.m
    this.k = x.k
    return this
  }

  /** this *= s · 2^(448 k), for a non-negative double s >= 2^-460 or so (this.m·s must not underflow). */
  multiply(s: number, k: number): this {
    this.m *= s
    this.k += k
    return this.normalize()
  }

  /** this += a · b, for a = (am, ak) and b = (bm, bk) in normalised extended form. */
  addProduct(am: number, ak: number, bm: number, bk: number): this {
    const m = am * bm
    if (m === 0) return this
    let k = ak + bk
    let v = m
    while (v < DOWN) {
      v *= UP
      k--
    }
    while (v > 1) {
      v *= DOWN
      k++
    }
    if (this.m === 0 || k > this.k + 2) {
      this.m = v
      this.k = k
    } else if (k === this.k) {
      this.m += v
    } else if (k > this.k) {
      this.m = v + this.m * (k === this.k + 1 ? DOWN : DOWN * DOWN)
      this.k = k
    } else if (k >= this.k - 2) {
      this.m += v * (k === this.k - 1 ? DOWN : DOWN * DOWN)
    }
    return this.normalize()
  }

  /** this <= s · other, for a plain s > 0. */
  atMostScaled(other: Register, s: number): boolean {
    if (this.m === 0) return true
    if (other.m === 0) return false
    const gap = this.k - other.k
    if (gap > 2) return false
    if (gap < -2) return true
    const mine = this.m * (gap === 1 ? UP : gap === 2 ? UP * UP : gap === -1 ? DOWN : gap === -2 ? DOWN * DOWN : 1)
    return mine <= s * other.m
  }

  value(): Extended {
    return extended(this.m, this.k)
  }

  private normalize(): this {
    if (!(this.m > 0)) {
      this.m = 0
      this.k = ZERO_K
      return this
    }
    while (this.m < DOWN) {
      this.m *= UP
      this.k--
    }
    while (this.m > 1) {
      this.m *= DOWN
      this.k++
    }
    return this
  }
}
