/**
 * The relative error of a computed value against an exact rational, computed exactly: a
 * double is M · 2^E for integers M, E, an extended number M · 2^(E + 448 k), so
 * value / exact - 1 is a ratio of BigInts. No logarithm or rounding of the reference gets in
 * the way, however small the values are.
 */
import type { Scaled } from '../../src/theory/exactRational'
import type { Extended } from '../../src/theory/extended'

const view = new DataView(new ArrayBuffer(8))

/** A finite positive double as M · 2^E. */
function decompose(value: number): { mantissa: bigint; exponent: number } {
  view.setFloat64(0, value)
  const high = view.getUint32(0)
  const low = view.getUint32(4)
  const biased = (high >>> 20) & 0x7ff
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low)
  if (biased === 0) return { mantissa: fraction, exponent: -1074 }
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 }
}

/** |value / exact - 1|, with `exact` = num / base^exp; Infinity when only one of them is 0. */
export function relativeError(value: number | Extended, exact: Scaled, base: bigint): number {
  const { m, k } = typeof value === 'number' ? { m: value, k: 0 } : value
  if (exact.num === 0n) return m === 0 ? 0 : Number.POSITIVE_INFINITY
  if (m === 0) return 1
  const { mantissa, exponent } = decompose(m)
  const shift = exponent + 448 * k
  let computed = mantissa * base ** BigInt(exact.exp)
  let reference = exact.num
  if (shift >= 0) computed <<= BigInt(shift)
  else reference <<= BigInt(-shift)
  const difference = computed > reference ? computed - reference : reference - computed
  return Number((difference << 80n) / reference) / 2 ** 80
}

/** What a value of this size may be off by: ~|ln P| ulps (an exponent's rounding), plus a few ulps. */
export function tolerance(exact: Scaled, base: bigint): number {
  const bits = exact.num.toString(2).length - exact.exp * Math.log2(Number(base))
  return 2e-14 + 4e-16 * Math.abs(bits * Math.LN2)
}
