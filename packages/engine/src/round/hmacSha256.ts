/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) for the authentication hot path: a live round
 * at N = 100 MACs some 40,000 short messages and derives ~10,000 link keys, and a general
 * purpose library allocating views, hash objects and padding buffers per call spends more on
 * that than on hashing. Here nothing is allocated per MAC: the message schedule, padding and
 * working state are module-level scratch (the engine is single-threaded per instance, and no
 * function below calls back into user code), and a key is kept as its two *midstates*, the
 * SHA-256 states after absorbing `key ⊕ ipad` and `key ⊕ opad`, so a MAC of a message shorter
 * than 56 bytes costs exactly two compressions.
 *
 * Plain TypeScript over typed arrays: browser-safe. Digests are handled as 8 big-endian 32-bit
 * words in an `Int32Array` (the signed view of the same bits); `wordsToBytes` here and
 * `wordsToHex` (hex.ts) turn them into the usual forms. This is the engine's only SHA-256:
 * value digests, link MACs and signatures all use it.
 */

/** Round constants: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])

/** Initial hash value: the first 32 bits of the fractional parts of the square roots of the first 8 primes. */
const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])

const BLOCK_BYTES = 64
/** Words of an HMAC key's midstates: inner state in 0–7, outer state in 8–15. */
export const HMAC_KEY_WORDS = 16
const IPAD = 0x36363636
const OPAD = 0x5c5c5c5c

/** Message schedule; words 0–15 hold the block being compressed. */
const W = new Int32Array(64)
/** Scratch hash states, and the hashed form of a long HMAC key. */
const INNER = new Int32Array(8)
const OUTER = new Int32Array(8)
const LONG_KEY = new Int32Array(8)

/** Compresses the block in `W[0..15]` into `state[offset..offset + 7]`. */
function compress(state: Int32Array, offset: number): void {
  const w = W
  for (let i = 16; i < 64; i++) {
    const x = w[i - 2]!
    const y = w[i - 15]!
    const sigma1 = ((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10)
    const sigma0 = ((y >>> 7) | (y << 25)) ^ ((y >>> 18) | (y << 14)) ^ (y >>> 3)
    // Sums of a few int32 stay exact in a double; `| 0` then reduces them modulo 2^32.
    w[i] = (sigma1 + w[i - 7]! + sigma0 + w[i - 16]!) | 0
  }
  let a = state[offset]!
  let b = state[offset + 1]!
  let c = state[offset + 2]!
  let d = state[offset + 3]!
  let e = state[offset + 4]!
  let f = state[offset + 5]!
  let g = state[offset + 6]!
  let h = state[offset + 7]!
  for (let i = 0; i < 64; i++) {
    const sum1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    // Ch(e, f, g) and Maj(a, b, c) in their two-operation forms.
    const t1 = (h + sum1 + (g ^ (e & (f ^ g))) + K[i]! + w[i]!) | 0
    const sum0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (sum0 + ((a & b) ^ (c & (a ^ b)))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  state[offset] = (state[offset]! + a) | 0
  state[offset + 1] = (state[offset + 1]! + b) | 0
  state[offset + 2] = (state[offset + 2]! + c) | 0
  state[offset + 3] = (state[offset + 3]! + d) | 0
  state[offset + 4] = (state[offset + 4]! + e) | 0
  state[offset + 5] = (state[offset + 5]! + f) | 0
  state[offset + 6] = (state[offset + 6]! + g) | 0
  state[offset + 7] = (state[offset + 7]! + h) | 0
}

// Small loops rather than `fill` / `set`: for 8–16 elements a builtin call costs more than
// the copying.

/** Zeroes `W[from..15]`. */
function zeroBlock(from: number): void {
  for (let i = from; i < 16; i++) W[i] = 0
}

function copyState(from: Int32Array, fromOffset: number, to: Int32Array, toOffset: number): void {
  for (let i = 0; i < 8; i++) to[toOffset + i] = from[fromOffset + i]!
}

/**
 * Absorbs `bytes[0..length)` into `state[offset..offset + 7]` and finishes the hash with the
 * standard padding; `prefix` bytes (a multiple of 64) were absorbed into the state before.
 */
function finish(state: Int32Array, offset: number, bytes: Uint8Array, length: number, prefix: number): void {
  const w = W
  let at = 0
  for (; length - at >= BLOCK_BYTES; at += BLOCK_BYTES) {
    for (let i = 0; i < 16; i++) {
      const o = at + 4 * i
      w[i] = (bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!
    }
    compress(state, offset)
  }
  // The tail (0–63 bytes), then 0x80, zeros, and the length in bits as a big-endian uint64.
  const tail = length - at
  zeroBlock(0)
  for (let i = 0; i < tail; i++) w[i >> 2]! |= bytes[at + i]! << (24 - 8 * (i & 3))
  w[tail >> 2]! |= 0x80 << (24 - 8 * (tail & 3))
  if (tail >= 56) {
    compress(state, offset)
    zeroBlock(0)
  }
  const total = prefix + length
  w[14] = Math.floor(total / 0x20000000)
  w[15] = total * 8
  compress(state, offset)
}

/** SHA-256 of `bytes[0..length)` into `out[0..7]` as big-endian words. */
export function sha256Into(bytes: Uint8Array, out: Int32Array, length: number = bytes.length): Int32Array {
  copyState(IV, 0, out, 0)
  finish(out, 0, bytes, length, 0)
  return out
}

/** Midstates of a key whose 64-byte block, xor-ed with a pad, is already in `W[0..15]`. */
function midstatesFromBlock(into: Int32Array, offset: number): void {
  const w = W
  for (let i = 0; i < 16; i++) w[i] = w[i]! ^ IPAD
  copyState(IV, 0, into, offset)
  compress(into, offset)
  // compress() overwrote W[16..63] only: W[0..15] still holds key ⊕ ipad.
  for (let i = 0; i < 16; i++) w[i] = w[i]! ^ IPAD ^ OPAD
  copyState(IV, 0, into, offset + 8)
  compress(into, offset + 8)
}

/**
 * The midstates of an HMAC key (RFC 2104: a key longer than the 64-byte block is hashed first,
 * a shorter one zero-padded), written to `into[offset..offset + 15]`.
 */
export function hmacKeyInto(key: Uint8Array, into: Int32Array, offset = 0, keyLength: number = key.length): Int32Array {
  if (keyLength > BLOCK_BYTES) return hmacKeyFromWordsInto(sha256Into(key, LONG_KEY, keyLength), into, offset)
  const w = W
  zeroBlock(0)
  for (let i = 0; i < keyLength; i++) w[i >> 2]! |= key[i]! << (24 - 8 * (i & 3))
  midstatesFromBlock(into, offset)
  return into
}

/**
 * The midstates of a 32-byte HMAC key given as 8 big-endian words (a digest or a MAC from
 * `sha256Into` / `hmacInto`), without going through bytes.
 */
export function hmacKeyFromWordsInto(key: Int32Array, into: Int32Array, offset = 0): Int32Array {
  const w = W
  for (let i = 0; i < 8; i++) w[i] = key[i]!
  zeroBlock(8)
  midstatesFromBlock(into, offset)
  return into
}

/**
 * HMAC-SHA256 of `bytes[0..length)` under the key whose midstates are at
 * `key[offset..offset + 15]`, into `out[0..7]` as big-endian words. Allocates nothing.
 */
export function hmacInto(
  key: Int32Array,
  offset: number,
  bytes: Uint8Array,
  length: number,
  out: Int32Array,
): Int32Array {
  const w = W
  const inner = INNER
  copyState(key, offset, inner, 0)
  if (length <= 55) {
    // One block: message, 0x80, zeros, and the bit length of ipad block + message.
    zeroBlock(0)
    const whole = length & ~3
    for (let i = 0; i < whole; i += 4) {
      w[i >> 2] = (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!
    }
    for (let i = whole; i < length; i++) w[i >> 2]! |= bytes[i]! << (24 - 8 * (i & 3))
    w[length >> 2]! |= 0x80 << (24 - 8 * (length & 3))
    w[15] = (BLOCK_BYTES + length) * 8
    compress(inner, 0)
  } else {
    finish(inner, 0, bytes, length, BLOCK_BYTES)
  }
  // Outer hash over the 32-byte inner digest: always one block.
  for (let i = 0; i < 8; i++) w[i] = inner[i]!
  zeroBlock(8)
  w[8] = 0x80000000
  w[15] = (BLOCK_BYTES + 32) * 8
  const outer = OUTER
  copyState(key, offset + 8, outer, 0)
  compress(outer, 0)
  copyState(outer, 0, out, 0)
  return out
}

/** A reusable HMAC-SHA256 key: its midstates, computed once. */
export class HmacKey {
  readonly midstates = new Int32Array(HMAC_KEY_WORDS)

  constructor(key: Uint8Array) {
    hmacKeyInto(key, this.midstates)
  }

  /** The MAC of `bytes[0..length)` into `out[0..7]` as big-endian words; allocates nothing. */
  macInto(bytes: Uint8Array, out: Int32Array, length: number = bytes.length): Int32Array {
    return hmacInto(this.midstates, 0, bytes, length, out)
  }

  /** The MAC as 32 bytes (allocates: for tests and cold paths). */
  mac(bytes: Uint8Array): Uint8Array {
    return wordsToBytes(this.macInto(bytes, new Int32Array(8)))
  }
}

/** SHA-256 as 32 bytes (allocates: for tests and cold paths). */
export function sha256(bytes: Uint8Array): Uint8Array {
  return wordsToBytes(sha256Into(bytes, new Int32Array(8)))
}

/** Big-endian words as bytes, into `out` (32 bytes for a digest). */
export function wordsToBytes(words: Int32Array, out: Uint8Array = new Uint8Array(4 * words.length)): Uint8Array {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    out[4 * i] = word >>> 24
    out[4 * i + 1] = word >>> 16
    out[4 * i + 2] = word >>> 8
    out[4 * i + 3] = word
  }
  return out
}

/** Big-endian bytes as words: the inverse of `wordsToBytes` (the length must be a multiple of 4). */
export function bytesToWords(bytes: Uint8Array, out: Int32Array = new Int32Array(bytes.length >> 2)): Int32Array {
  for (let i = 0; i < out.length; i++) {
    const o = 4 * i
    out[i] = (bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!
  }
  return out
}
