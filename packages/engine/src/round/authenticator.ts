import { bytesToHex, equalsWordsHex, utf8ToBytes, wordsToHex } from './hex'
import { HMAC_KEY_WORDS, hmacInto, hmacKeyFromWordsInto, hmacKeyInto, sha256 } from './hmacSha256'
import { newViewDigest, viewChangeDigest } from './evidence'
import {
  CANONICAL_LENGTH,
  canonicalEncoding,
  digestBytesOf,
  type AuthenticatedFields,
  type Message,
  type MessageDraft,
} from './message'

interface Digest {
  hex: string
  bytes: Uint8Array
}

/** Link keys are derived from the label `link:<from>-><to>` (decimal ids, ASCII). */
const LINK_PREFIX = 'link:'
const ARROW_0 = '-'.charCodeAt(0)
const ARROW_1 = '>'.charCodeAt(0)

/** Words kept per link: the key's midstates, then the last MAC made with it. */
const LAST_MAC = HMAC_KEY_WORDS
const LINK_WORDS = HMAC_KEY_WORDS + 8

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
  /** Midstates of the round secret as an HMAC key. */
  private readonly secret: Int32Array
  /**
   * Per link derived so far (a round at N = 100 derives ~10,000): its key's midstates and the
   * last MAC made with it, `LINK_WORDS` words per link, packed in one array, and the encoding
   * that MAC covers in `lastEncodings` (`CANONICAL_LENGTH` bytes per link, a zero phase code
   * when none yet). `links` maps `from * 65536 + to` to a link's index; `farLinks` holds the
   * links with an id of 65536 or more, which no round the engine accepts has, keyed `from->to`.
   */
  private linkWords = new Int32Array(LINK_WORDS * 256)
  private lastEncodings = new Uint8Array(CANONICAL_LENGTH * 256)
  private linkCount = 0
  private readonly links = new Map<number, number>()
  private readonly farLinks = new Map<string, number>()
  private readonly digests = new Map<string, Digest>()
  // Reused for every MAC: a round authenticates tens of thousands of short messages.
  private readonly encoding = new Uint8Array(CANONICAL_LENGTH)
  /** The label of the link being derived, prefix in place: 5 + 10 + 2 + 10 bytes at most for uint32 ids. */
  private readonly label = Uint8Array.from({ length: 32 }, (_, i) => LINK_PREFIX.charCodeAt(i) || 0)
  private readonly tag = new Int32Array(8)

  constructor(secret: string) {
    this.secret = hmacKeyInto(utf8ToBytes(secret), new Int32Array(HMAC_KEY_WORDS))
  }

  /** Hex SHA-256 of a value, computed once per distinct value. */
  digest(value: string): string {
    return this.digestOf(value).hex
  }

  /**
   * The digest a message carries: SHA-256 of its value, or for a VIEW-CHANGE / NEW-VIEW of its
   * value and whole body (`evidence.ts`), so that the MAC and the signature bind the body too.
   */
  digestFor(draft: Pick<Message, 'phase' | 'value' | 'viewChange' | 'newView'>): string {
    return this.contentDigest(draft).hex
  }

  /** Adds the digest and the link MAC to a draft (its signature, if any, is kept as is). */
  sign(draft: MessageDraft): Message {
    const { phase, view, sequence, value, from, to } = draft
    const digest = this.contentDigest(draft)
    const tag = this.mac({ phase, view, sequence, digest: digest.hex, from, to }, digest.bytes)
    if (tag === null) throw new RangeError(`cannot authenticate ${JSON.stringify(draft)}`)
    const mac = wordsToHex(tag)
    const { signature, viewChange, newView } = draft
    // Only rounds with views sign and carry bodies: the classic round's messages keep their shape.
    if (signature === undefined) return { phase, view, sequence, value, digest: digest.hex, from, to, mac }
    const message: Message = { phase, view, sequence, value, digest: digest.hex, from, to, mac, signature }
    if (viewChange !== undefined) return { ...message, viewChange }
    return newView === undefined ? message : { ...message, newView }
  }

  /**
   * True when the message is exactly what its sender authenticated: the digest is recomputed
   * from the value (a changed value fails even with the original digest), then the MAC is
   * checked with the key of the link it claims to travel on.
   */
  verify(message: Message): boolean {
    const digest = this.contentDigest(message)
    if (digest.hex !== message.digest) return false
    const expected = this.mac(message, digest.bytes)
    return expected !== null && equalsWordsHex(expected, message.mac)
  }

  private contentDigest(draft: Pick<Message, 'phase' | 'value' | 'viewChange' | 'newView'>): Digest {
    if (draft.phase === 'view-change' && draft.viewChange !== undefined) return viewChangeDigest(draft.value, draft.viewChange.body)
    if (draft.phase === 'new-view' && draft.newView !== undefined) return newViewDigest(draft.value, draft.newView)
    return this.digestOf(draft.value)
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

  /**
   * The MAC of the fields as words in `this.tag` (overwritten by the next call), or null when
   * they cannot be encoded. Each message is MAC-ed twice, signed by its sender and verified by
   * its recipient with the same link key and encoding; the MAC is a function of those, so the
   * last one per link is kept and reused when the encoding is byte for byte the same.
   */
  private mac(fields: AuthenticatedFields, digestBytes: Uint8Array): Int32Array | null {
    const encoding = canonicalEncoding(fields, this.encoding, digestBytes)
    if (encoding === null) return null
    // The index first: deriving a new link key may replace the link arrays.
    const link = this.link(fields.from, fields.to)
    const words = this.linkWords
    const tag = this.tag
    const at = link * LINK_WORDS
    if (sameBytes(this.lastEncodings, link * CANONICAL_LENGTH, encoding)) {
      for (let i = 0; i < 8; i++) tag[i] = words[at + LAST_MAC + i]!
      return tag
    }
    hmacInto(words, at, encoding, CANONICAL_LENGTH, tag)
    const encodings = this.lastEncodings
    for (let i = 0, to = link * CANONICAL_LENGTH; i < CANONICAL_LENGTH; i++) encodings[to + i] = encoding[i]!
    for (let i = 0; i < 8; i++) words[at + LAST_MAC + i] = tag[i]!
    return tag
  }

  /** Index of the link `from -> to` (uint32 ids), its key derived on first use. */
  private link(from: number, to: number): number {
    if (from < 0x10000 && to < 0x10000) {
      const id = from * 0x10000 + to
      let link = this.links.get(id)
      if (link === undefined) {
        link = this.deriveLink(from, to)
        this.links.set(id, link)
      }
      return link
    }
    const id = `${from}->${to}`
    let link = this.farLinks.get(id)
    if (link === undefined) {
      link = this.deriveLink(from, to)
      this.farLinks.set(id, link)
    }
    return link
  }

  /** Derives `key(from, to) = HMAC(secret, "link:from->to")` into the next free link slot; returns its index. */
  private deriveLink(from: number, to: number): number {
    const label = this.label
    let length = LINK_PREFIX.length
    length = writeDecimal(label, length, from)
    label[length++] = ARROW_0
    label[length++] = ARROW_1
    length = writeDecimal(label, length, to)
    const linkKey = hmacInto(this.secret, 0, label, length, this.tag)
    const link = this.linkCount++
    if ((link + 1) * LINK_WORDS > this.linkWords.length) {
      const words = new Int32Array(2 * this.linkWords.length)
      words.set(this.linkWords)
      this.linkWords = words
      const encodings = new Uint8Array(2 * this.lastEncodings.length)
      encodings.set(this.lastEncodings)
      this.lastEncodings = encodings
    }
    hmacKeyFromWordsInto(linkKey, this.linkWords, link * LINK_WORDS)
    return link
  }
}

/** Whether `bytes` equals `CANONICAL_LENGTH` bytes of `stored` from `at`. */
function sameBytes(stored: Uint8Array, at: number, bytes: Uint8Array): boolean {
  for (let i = 0; i < CANONICAL_LENGTH; i++) if (stored[at + i] !== bytes[i]) return false
  return true
}

/** Writes a non-negative integer in decimal, as `String(n)` spells it; returns the position after it. */
function writeDecimal(into: Uint8Array, at: number, n: number): number {
  let digits = 1
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++
  for (let i = at + digits - 1; i >= at; i--) {
    into[i] = 0x30 + (n % 10)
    n = Math.floor(n / 10)
  }
  return at + digits
}
