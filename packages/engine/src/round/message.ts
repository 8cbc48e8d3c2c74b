import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import type { Phase } from '../outcome'

/**
 * A protocol message as it travels between two replicas. Plain data only, so that the server
 * can send it over Socket.IO and a trace can be stored as JSON.
 */
export interface Message {
  readonly phase: Phase
  readonly view: number
  readonly sequence: number
  /** The proposed value, as the sender claims it. */
  readonly value: string
  /** Hex SHA-256 of `value`: the MAC covers the digest, so it binds the value. */
  readonly digest: string
  readonly from: number
  readonly to: number
  /** Hex HMAC-SHA256 over the canonical encoding, keyed for the link `from -> to`. */
  readonly mac: string
}

/** What a sender decides before the authenticator adds the digest and the MAC. */
export type MessageDraft = Omit<Message, 'digest' | 'mac'>

/** The fields a MAC covers (the value enters only through its digest). */
export type AuthenticatedFields = Omit<Message, 'value' | 'mac'>

/** Hex SHA-256 of a value, as carried in `Message.digest`. */
export function digestOf(value: string): string {
  return bytesToHex(sha256(utf8ToBytes(value)))
}

/**
 * The bytes a MAC is computed over. A JSON array is unambiguous whatever the fields contain,
 * so two different messages can never encode to the same bytes.
 */
export function canonicalEncoding(message: AuthenticatedFields): Uint8Array {
  const { phase, view, sequence, digest, from, to } = message
  return utf8ToBytes(JSON.stringify(['pbft/1', phase, view, sequence, digest, from, to]))
}
