import { bytesToHex, utf8ToBytes } from './hex'
import { sha256 } from './hmacSha256'

/**
 * The transferable evidence of a view change (OSDI'99 §4.4): signed messages that a replica
 * forwards to others, who check them without trusting the forwarder. Plain, immutable data,
 * built by the engine only (a human chooses values and sets, never signatures), so a check
 * made once holds for every recipient of the same object.
 */

/** The client's REQUEST as the client signed it (type `request`, view 0, the round's sequence). */
export interface SignedRequest {
  readonly value: string
  readonly signature: string
}

/** One PREPARE in a certificate: its sender and the sender's signature. */
export interface PrepareVote {
  readonly from: number
  readonly signature: string
}

/**
 * A prepared certificate: the pre-prepare of `view` signed by that view's primary (in views
 * above 0, the pre-prepare its NEW-VIEW carried) and the signed matching PREPAREs the holder
 * counted, its own included once it sent it.
 */
export interface Certificate {
  readonly view: number
  readonly value: string
  readonly prePrepare: string
  readonly prepares: readonly PrepareVote[]
}

/** What a VIEW-CHANGE carries: the sender's highest prepared certificate and the request it holds. */
export interface ViewChangeBody {
  readonly certificate: Certificate | null
  readonly request: SignedRequest | null
}

/**
 * A VIEW-CHANGE as the NEW-VIEW's set V holds it: sender, target view, the value it claims
 * (its certificate's, or '' without one), its body and the sender's signature over all that.
 */
export interface SignedViewChange {
  readonly from: number
  readonly view: number
  readonly value: string
  readonly body: ViewChangeBody
  readonly signature: string
}

/**
 * What a NEW-VIEW carries besides its value (the re-proposal): the set V of VIEW-CHANGEs, the
 * client's signed request when V holds no certificate, and the new primary's signature on the
 * re-proposal's PRE-PREPARE (what certificates of the new view quote).
 */
export interface NewViewBody {
  readonly viewChanges: readonly SignedViewChange[]
  readonly request: SignedRequest | null
  readonly prePrepare: string
}

/** The value a VIEW-CHANGE without a prepared certificate carries: no value (humans type 1 to 64 characters). */
export const NO_VALUE = ''

/** A string that cannot run into its neighbour: its length, a colon, itself. */
const framed = (text: string): string => `${text.length}:${text}`

function requestText(request: SignedRequest | null): string {
  return request === null ? '-' : `${framed(request.value)}|${request.signature}`
}

function certificateText(certificate: Certificate | null): string {
  if (certificate === null) return '-'
  const prepares = certificate.prepares.map((vote) => `${vote.from}:${vote.signature}`).join(',')
  return `${certificate.view}|${framed(certificate.value)}|${certificate.prePrepare}|${prepares}`
}

const digestMemo = new WeakMap<object, { value: string; hex: string; bytes: Uint8Array }>()

function memoised(body: object, value: string, text: () => string): { hex: string; bytes: Uint8Array } {
  const known = digestMemo.get(body)
  if (known !== undefined && known.value === value) return known
  const bytes = sha256(utf8ToBytes(text()))
  const digest = { value, hex: bytesToHex(bytes), bytes }
  digestMemo.set(body, digest)
  return digest
}

/**
 * The digest a VIEW-CHANGE's MAC and signature cover: SHA-256 of its value and whole body in
 * a canonical form, so that no certificate can be stripped or swapped without breaking them.
 */
export function viewChangeDigest(value: string, body: ViewChangeBody): { hex: string; bytes: Uint8Array } {
  return memoised(body, value, () => `view-change|${framed(value)}|${certificateText(body.certificate)}|${requestText(body.request)}`)
}

/** The digest a NEW-VIEW's MAC and signature cover: its value, V (by signatures), the request and the pre-prepare signature. */
export function newViewDigest(value: string, body: NewViewBody): { hex: string; bytes: Uint8Array } {
  return memoised(body, value, () => {
    const set = body.viewChanges.map((entry) => `${entry.from}:${entry.signature}`).join(',')
    return `new-view|${framed(value)}|${set}|${requestText(body.request)}|${body.prePrepare}`
  })
}
