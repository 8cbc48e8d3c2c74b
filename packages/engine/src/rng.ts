/**
 * Deterministic pseudo-random numbers for the network model.
 *
 * xoshiro128** (Blackman & Vigna) on 32-bit integers: fast in V8 (Math.imul, no BigInt),
 * a period of 2^128 - 1, and good statistical quality for Monte-Carlo use. Seeds are
 * expanded with splitmix32 so that nearby seeds give unrelated streams.
 * @see https://prng.di.unimi.it/xoshiro128starstar.c
 */
export class Rng {
  private s0: number
  private s1: number
  private s2: number
  private s3: number

  /** `seed` is any finite number; `stream` values select independent sub-streams of it. */
  constructor(seed: number, ...stream: number[]) {
    let h = mixSeed(seed, stream)
    const next = (): number => {
      h = (h + 0x9e3779b9) | 0
      let z = h
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.s0 = next()
    this.s1 = next()
    this.s2 = next()
    this.s3 = next()
    // An all-zero state would stay zero forever.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1
  }

  /** A uniform integer in [0, 2^32). */
  nextU32(): number {
    const s0 = this.s0
    const s1 = this.s1
    const s2 = this.s2 ^ s0
    const s3 = this.s3 ^ s1
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    this.s1 = s1 ^ s2
    this.s0 = s0 ^ s3
    this.s2 = s2 ^ t
    this.s3 = rotl(s3, 11)
    return result
  }

  /** A uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextU32() / 4294967296
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/** Folds a seed and a stream path into one 32-bit value (order matters). */
function mixSeed(seed: number, stream: number[]): number {
  let h = hashNumber(0x243f6a88, seed)
  for (const part of stream) h = hashNumber(h, part)
  return h
}

const float = new Float64Array(1)
const words = new Uint32Array(float.buffer)

function hashNumber(h: number, value: number): number {
  // Hash the number's IEEE-754 bits, so seeds above 2^32 and fractional seeds all differ.
  float[0] = value
  h = Math.imul(h ^ (words[0] as number), 0x9e3779b1)
  h = Math.imul((h << 13) | (h >>> 19), 0x85ebca77)
  h = Math.imul(h ^ (words[1] as number), 0xc2b2ae3d)
  return (h ^ (h >>> 15)) | 0
}

/**
 * Probability `p` as a threshold on `nextU32()`: a draw delivers iff `draw < threshold`.
 * p = 1 gives 2^32, above every draw; p = 0 gives 0, below none.
 */
export function deliveryThreshold(p: number): number {
  return p >= 1 ? 4294967296 : p <= 0 ? 0 : Math.floor(p * 4294967296)
}
