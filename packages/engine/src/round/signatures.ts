import { utf8ToBytes, wordsToHex } from './hex'
import { HMAC_KEY_WORDS, hmacInto, hmacKeyFromWordsInto, hmacKeyInto } from './hmacSha256'
import { CANONICAL_LENGTH, canonicalEncoding, type MessageType } from './message'

/** The `to` field of a signed encoding: no recipient (ids stay far below it). */
const NO_RECIPIENT = 0xffffffff
/** Signatures remembered at most: values come from humans, so the memo must stay bounded. */
const MEMO_LIMIT = 1 << 16

/**
 * Digital signatures, modelled honestly and cheaply. View-change evidence must be
 * transferable (a certificate forwarded by one replica is checked by all the others), which
 * per-link MACs are not. Each participant (replicas 0..N-1, the client N) has a signing key
 * derived from the round secret, `HMAC(secret, "sign:<id>")`; a signature is the HMAC-SHA256
 * of the signed fields under the signer's key. Only the engine holds the keys, and it signs
 * only as the participant who sends: a Byzantine replica can sign anything *as itself* but
 * never as another (the modelled PKI: one signer, every verifier).
 *
 * Signed fields: (type, view, sequence, digest, signer), encoded like a MAC's with no
 * recipient, so one signature per sender per content, whatever the recipient. Verification
 * recomputes the expected signature, remembered per content: a certificate relayed in 100
 * VIEW-CHANGEs costs one HMAC per distinct signature, not one per copy.
 */
export class Signatures {
  private readonly secret: Int32Array
  private readonly keys = new Map<number, Int32Array>()
  private readonly memo = new Map<string, string>()
  private readonly encoding = new Uint8Array(CANONICAL_LENGTH)
  private readonly tag = new Int32Array(8)

  constructor(secret: string) {
    // The same secret as the link keys, another label (`sign:` vs `link:`): the keys never coincide.
    this.secret = hmacKeyInto(utf8ToBytes(secret), new Int32Array(HMAC_KEY_WORDS))
  }

  /** The signature of `signer` over the fields (hex); the engine calls it for the sender only. */
  sign(signer: number, type: MessageType, view: number, sequence: number, digest: string): string {
    const key = `${signer}|${type}|${view}|${sequence}|${digest}`
    let signature = this.memo.get(key)
    if (signature === undefined) {
      signature = this.compute(signer, type, view, sequence, digest)
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear()
      this.memo.set(key, signature)
    }
    return signature
  }

  /** Whether `signature` is `signer`'s over the fields. Fields no signer could sign (bad ids, malformed digests) never verify. */
  verify(signer: number, type: MessageType, view: number, sequence: number, digest: string, signature: string): boolean {
    if (!Number.isInteger(signer) || signer < 0 || signer >= NO_RECIPIENT) return false
    const expected = this.sign(signer, type, view, sequence, digest)
    return expected !== '' && expected === signature
  }

  private compute(signer: number, type: MessageType, view: number, sequence: number, digest: string): string {
    const fields = { phase: type, view, sequence, digest, from: signer, to: NO_RECIPIENT }
    const encoding = canonicalEncoding(fields, this.encoding)
    if (encoding === null) return ''
    return wordsToHex(hmacInto(this.key(signer), 0, encoding, CANONICAL_LENGTH, this.tag))
  }

  private key(signer: number): Int32Array {
    let key = this.keys.get(signer)
    if (key === undefined) {
      const label = utf8ToBytes(`sign:${signer}`)
      const derived = hmacInto(this.secret, 0, label, label.length, new Int32Array(8))
      key = hmacKeyFromWordsInto(derived, new Int32Array(HMAC_KEY_WORDS))
      this.keys.set(signer, key)
    }
    return key
  }
}
