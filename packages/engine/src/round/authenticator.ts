import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import { canonicalEncoding, digestOf, type AuthenticatedFields, type Message, type MessageDraft } from './message'

/** A keyed HMAC-SHA256 state, cloned for every message so the key is hashed only once. */
type KeyedMac = ReturnType<typeof hmac.create>

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
  private readonly secret: Uint8Array
  private readonly links = new Map<string, KeyedMac>()
  private readonly digests = new Map<string, string>()

  constructor(secret: string) {
    this.secret = utf8ToBytes(secret)
  }

  /** Hex SHA-256 of a value, computed once per distinct value. */
  digest(value: string): string {
    let digest = this.digests.get(value)
    if (digest === undefined) {
      if (this.digests.size >= DIGEST_CACHE_LIMIT) this.digests.clear()
      digest = digestOf(value)
      this.digests.set(value, digest)
    }
    return digest
  }

  /** Adds the value's digest and the link MAC to a draft. */
  sign(draft: MessageDraft): Message {
    const withDigest = { ...draft, digest: this.digest(draft.value) }
    return { ...withDigest, mac: this.mac(withDigest) }
  }

  /**
   * True when the message is exactly what its sender authenticated: the digest is recomputed
   * from the value (a changed value fails even with the original digest), then the MAC is
   * checked with the key of the link it claims to travel on.
   */
  verify(message: Message): boolean {
    if (this.digest(message.value) !== message.digest) return false
    return constantTimeEqual(this.mac(message), message.mac)
  }

  private mac(message: AuthenticatedFields): string {
    const keyed = this.linkMac(message.from, message.to).clone()
    return bytesToHex(keyed.update(canonicalEncoding(message)).digest())
  }

  private linkMac(from: number, to: number): KeyedMac {
    const link = `${from}->${to}`
    let keyed = this.links.get(link)
    if (keyed === undefined) {
      const key = hmac(sha256, this.secret, utf8ToBytes(`link:${link}`))
      keyed = hmac.create(sha256, key)
      this.links.set(link, keyed)
    }
    return keyed
  }
}

/** Compares two hex strings without an early exit, as MAC checks should. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}
