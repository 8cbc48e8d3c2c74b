import { bytesToHex, hexToBytes, utf8ToBytes } from './hex'
import { sha256 } from './hmacSha256'
import type { NewViewBody, SignedViewChange } from './evidence'

/**
 * Every kind of message a round can carry, in the order a round meets them: the client's
 * REQUEST, the normal case (PRE-PREPARE, PREPARE, COMMIT), the REPLY to the client, and the
 * view change (VIEW-CHANGE, NEW-VIEW). A round without views (the classic round) carries the
 * normal case only.
 */
export const MESSAGE_TYPES = ['request', 'pre-prepare', 'prepare', 'commit', 'reply', 'view-change', 'new-view'] as const
export type MessageType = (typeof MESSAGE_TYPES)[number]

/**
 * A protocol message as it travels between two participants (replicas, and the client in
 * rounds with views). Plain data only, so that the server can send it over Socket.IO.
 */
export interface Message {
  /** The message's type (named `phase` since the classic round's types were its phases). */
  readonly phase: MessageType
  readonly view: number
  readonly sequence: number
  /** The proposed value, as the sender claims it. */
  readonly value: string
  /**
   * Hex SHA-256 of `value`: the MAC covers the digest, so it binds the value. A VIEW-CHANGE or
   * NEW-VIEW digests its whole content instead (`evidence.ts`), so the MAC binds that too.
   */
  readonly digest: string
  readonly from: number
  readonly to: number
  /** Hex HMAC-SHA256 over the canonical encoding, keyed for the link `from -> to`. */
  readonly mac: string
  /**
   * Rounds with views: the sender's signature over (type, view, sequence, digest, sender),
   * the same whatever the recipient, so that anyone can check it when it is forwarded inside
   * a certificate (the per-link MAC proves the message to its recipient only).
   */
  readonly signature?: string
  /**
   * A VIEW-CHANGE as signed by its sender (certificate, request, signature): one object for
   * every recipient, which is also what a NEW-VIEW's set V quotes.
   */
  readonly viewChange?: SignedViewChange
  /** A NEW-VIEW's set of VIEW-CHANGEs and the re-proposal's evidence. */
  readonly newView?: NewViewBody
}

/** What a sender decides before the authenticator adds the digest and the MAC. */
export type MessageDraft = Omit<Message, 'digest' | 'mac'>

/** The fields a MAC covers (the value, and any body, enter only through the digest). */
export type AuthenticatedFields = Pick<Message, 'phase' | 'view' | 'sequence' | 'digest' | 'from' | 'to'>

/** Hex SHA-256 of a value, as carried in `Message.digest`. */
export function digestOf(value: string): string {
  return bytesToHex(digestBytesOf(value))
}

/** The raw 32 bytes of SHA-256 of a value. */
export function digestBytesOf(value: string): Uint8Array {
  return sha256(utf8ToBytes(value))
}

/** Length of `canonicalEncoding`: short enough for a single SHA-256 block inside the HMAC. */
export const CANONICAL_LENGTH = 1 + 4 * 4 + 32

const HEX_DIGEST = /^[0-9a-f]{64}$/

const PHASE_CODE: Record<MessageType, number> = {
  'pre-prepare': 1,
  prepare: 2,
  commit: 3,
  request: 4,
  reply: 5,
  'view-change': 6,
  'new-view': 7,
}

/**
 * The bytes a MAC (or a signature) is computed over: the type code, then view, sequence, from and to as
 * big-endian uint32, then the 32 digest bytes. Every field has a fixed width, so two different
 * messages never encode alike, and 49 bytes fit one hash block (authenticating is the hot path
 * of a round). Returns null for fields no honest sender produces (non-uint32 numbers, a
 * malformed digest), which therefore cannot be authentic. Writes into `into` when given;
 * a caller that already holds the decoded digest passes it as `digestBytes` (it must be the
 * decoding of `message.digest`) to skip parsing the hex.
 */
export function canonicalEncoding(
  message: AuthenticatedFields,
  into: Uint8Array = new Uint8Array(CANONICAL_LENGTH),
  digestBytes?: Uint8Array,
): Uint8Array | null {
  const { phase, view, sequence, digest, from, to } = message
  const code = PHASE_CODE[phase]
  if (code === undefined) return null
  if (digestBytes === undefined) {
    if (!HEX_DIGEST.test(digest)) return null
    digestBytes = hexToBytes(digest)
  }
  into[0] = code
  if (!writeUint32(into, 1, view) || !writeUint32(into, 5, sequence)) return null
  if (!writeUint32(into, 9, from) || !writeUint32(into, 13, to)) return null
  into.set(digestBytes, 17)
  return into
}

/** Writes a big-endian uint32; false when the number is not one. */
function writeUint32(into: Uint8Array, offset: number, value: number): boolean {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) return false
  // Uint8Array stores each byte modulo 256, so shifting is all the masking needed.
  into[offset] = value >>> 24
  into[offset + 1] = value >>> 16
  into[offset + 2] = value >>> 8
  into[offset + 3] = value
  return true
}
