/**
 * Bytes, words and text as the authentication code handles them: lowercase hex (digests, MACs
 * and signatures travel as hex strings), big-endian words, UTF-8. Browser-safe, no allocation
 * beyond the result.
 */

/** Two lowercase hex digits per byte value. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))
/** Char codes of `HEX`: `HEX_CODES[2 * b]` and `HEX_CODES[2 * b + 1]` spell byte `b`. */
const HEX_CODES = Uint8Array.from(HEX.join(''), (char) => char.charCodeAt(0))

/** A digest's hex characters, decoded into a string in one go: cheaper than 32 concatenations. */
const DIGEST_HEX = new Uint8Array(64)
const ASCII = new TextDecoder()

/** Lowercase hex of big-endian words (64 characters for a digest). */
export function wordsToHex(words: Int32Array): string {
  if (words.length !== 8) {
    let hex = ''
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!
      hex += HEX[word >>> 24]! + HEX[(word >>> 16) & 0xff]! + HEX[(word >>> 8) & 0xff]! + HEX[word & 0xff]!
    }
    return hex
  }
  const chars = DIGEST_HEX
  for (let i = 0, at = 0; i < 8; i++) {
    const word = words[i]!
    for (let shift = 24; shift >= 0; shift -= 8, at += 2) {
      const code = 2 * ((word >>> shift) & 0xff)
      chars[at] = HEX_CODES[code]!
      chars[at + 1] = HEX_CODES[code + 1]!
    }
  }
  return ASCII.decode(chars)
}

/** Lowercase hex of bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  let hex = ''
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]!]!
  return hex
}

/**
 * Whether `hex` is exactly the lowercase hex of `words`, compared without an early exit (as
 * MAC checks should) and without building the expected string.
 */
export function equalsWordsHex(words: Int32Array, hex: string): boolean {
  if (hex.length !== 8 * words.length) return false
  let difference = 0
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    for (let shift = 24, at = 8 * i; shift >= 0; shift -= 8, at += 2) {
      const code = 2 * ((word >>> shift) & 0xff)
      difference |= (hex.charCodeAt(at) ^ HEX_CODES[code]!) | (hex.charCodeAt(at + 1) ^ HEX_CODES[code + 1]!)
    }
  }
  return difference === 0
}

const HEX_PAIR = /^(?:[0-9a-fA-F]{2})*$/

/** The bytes of an even-length hex string (either case); throws a RangeError for anything else. */
export function hexToBytes(hex: string): Uint8Array {
  if (!HEX_PAIR.test(hex)) throw new RangeError('expected an even number of hex digits')
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return bytes
}

const UTF8 = new TextEncoder()

/** The UTF-8 bytes of a string. */
export function utf8ToBytes(text: string): Uint8Array {
  return UTF8.encode(text)
}
