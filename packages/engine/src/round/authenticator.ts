import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import {
  CANONICAL_LENGTH,
  canonicalEncoding,
  digestBytesOf,
  type AuthenticatedFields,
  type Message,
  type MessageDraft,
} from './message'

/**
 * The part of noble's keyed HMAC-SHA256 state used here. A keyed state is copied into a
 * scratch state for every message, so each key is hashed into its state only once; noble's
 * own HKDF and PBKDF2 reuse keyed states the same way.
 */
interface KeyedMac {
  _cloneInto(to?: KeyedMac): KeyedMac
  update(bytes: Uint8Array): KeyedMac
  digestInto(out: Uint8Array): void
}

interface Digest {
  hex: string
  bytes: Uint8Array
}

/** Digests kept at most; values come from humans in the live demo, so the cache must stay bounded. */
const DIGEST_CACHE_LIMIT = 256

/**
 * The round secret used when none is given: derived from the seed, so that a replayed seed
 * reproduces the run byte for byte, MACs included.
 */
export function deriveRoundSecret(seed: number): string {
  return bytesToHex(sha256(utf8ToBytes(`pbft-round-secret:${seed}`)))
}

/**
 * Message authentication codes as PBFT uses them: one symmetric key per directed link
 * (`key(i, j) = HMAC(secret, "link:i->j")`), so a MAC made for `i -> j` proves to `j` that `i`
 * sent exactly these fields. A tamperer who alters the value in transit cannot produce the
 * matching MAC without the link key, whether or not it also fixes the digest.
 */
export class Authenticator {
  private readonly secretMac: KeyedMac
  private readonly links = new Map<string, KeyedMac>()
  private readonly digests = new Map<string, Digest>()
  // Reused for every MAC: a round authenticates thousands of short messages, and allocating
  // fresh hash states and buffers for each costs more than the hashing itself.
  private scratch: KeyedMac | undefined
  private readonly encoding = new Uint8Array(CANONICAL_LENGTH)
  private readonly tag = new Uint8Array(32)

  constructor(secret: string) {
    this.secretMac = hmac.create(sha256, utf8ToBytes(secret))
  }

  /** Hex SHA-256 of a value, computed once per distinct value. */
  digest(value: string): string {
    return this.digestOf(value).hex
  }

  /** Adds the value's digest and the link MAC to a draft. */
  sign(draft: MessageDraft): Message {
    const { phase, view, sequence, value, from, to } = draft
    const digest = this.digestOf(value)
    const mac = this.mac({ phase, view, sequence, digest: digest.hex, from, to }, digest.bytes)
    if (mac === null) throw new RangeError(`cannot authenticate ${JSON.stringify(draft)}`)
    return { phase, view, sequence, value, digest: digest.hex, from, to, mac }
  }

  /**
   * True when the message is exactly what its sender authenticated: the digest is recomputed
   * from the value (a changed value fails even with the original digest), then the MAC is
   * checked with the key of the link it claims to travel on.
   */
  verify(message: Message): boolean {
    const digest = this.digestOf(message.value)
    if (digest.hex !== message.digest) return false
    const expected = this.mac(message, digest.bytes)
    return expected !== null && constantTimeEqual(expected, message.mac)
  }

  private digestOf(value: string): Digest {
    let digest = this.digests.get(value)
    if (digest === undefined) {
      if (this.digests.size >= DIGEST_CACHE_LIMIT) this.digests.clear()
      const bytes = digestBytesOf(value)
      digest = { hex: bytesToHex(bytes), bytes }
      this.digests.set(value, digest)
    }
    return digest
  }

  private mac(fields: AuthenticatedFields, digestBytes: Uint8Array): string | null {
    const encoding = canonicalEncoding(fields, this.encoding, digestBytes)
    if (encoding === null) return null
    this.macInto(this.linkMac(fields.from, fields.to), encoding)
    return bytesToHex(this.tag)
  }

  /** HMAC of `bytes` under a keyed state, into `this.tag`. */
  private macInto(state: KeyedMac, bytes: Uint8Array): void {
    this.scratch = state._cloneInto(this.scratch)
    this.scratch.update(bytes).digestInto(this.tag)
  }

  private linkMac(from: number, to: number): KeyedMac {
    const link = `${from}->${to}`
    let state = this.links.get(link)
    if (state === undefined) {
      this.macInto(this.secretMac, utf8ToBytes(`link:${link}`))
      state = hmac.create(sha256, this.tag)
      this.links.set(link, state)
    }
    return state
  }
}

/** Compares two hex strings without an early exit, as MAC checks should. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}
