import { certificateVotesNeeded, viewChangesNeeded, type QuorumRule } from '../quorum'
import {
  NO_VALUE,
  viewChangeDigest,
  type Certificate,
  type NewViewBody,
  type SignedRequest,
  type SignedViewChange,
} from './evidence'
import { digestOf } from './message'
import type { Signatures } from './signatures'

/** What the checks need to know about the round. */
export interface EvidenceRules {
  nodes: number
  f: number
  quorumRule: QuorumRule
  sequence: number
  signatures: Signatures
  /**
   * Verify signatures (the round's `authentication`). Off, only the structure is checked
   * (views, senders, quorums, the recomputed re-proposal): the class's "what if nothing were
   * authenticated" toggle, as for MACs.
   */
  verify: boolean
}

/** The primary of a view in a round with views: `view mod N` (OSDI'99 §4.1). */
export function primaryOf(view: number, nodes: number): number {
  return view % nodes
}

/** The client's signed request covers view 0: a request belongs to no view. */
export const REQUEST_VIEW = 0

/** The value a NEW-VIEW must re-propose, and where it comes from. */
export interface ReProposal {
  value: string
  /** The view of the highest prepared certificate in V, or null when the value is the client's request. */
  certificateView: number | null
  /** Who holds that certificate (the lowest id among the highest views). */
  certificateFrom: number | null
}

/**
 * The re-proposal a set V determines (OSDI'99 §4.4, one sequence number): the value of the
 * prepared certificate of the highest view in V (ties: the lowest sender id; with at most f
 * Byzantine replicas, certificates of one view never disagree), or, when V holds none, the
 * client's request. Null when V holds no certificate and there is no request to re-propose.
 */
export function reProposal(viewChanges: readonly SignedViewChange[], request: SignedRequest | null): ReProposal | null {
  let best: SignedViewChange | null = null
  for (const entry of viewChanges) {
    const certificate = entry.body.certificate
    if (certificate === null) continue
    const bestView = best?.body.certificate?.view ?? -1
    if (certificate.view > bestView || (certificate.view === bestView && entry.from < (best?.from ?? Infinity))) best = entry
  }
  const certificate = best?.body.certificate ?? null
  if (best !== null && certificate !== null) return { value: certificate.value, certificateView: certificate.view, certificateFrom: best.from }
  return request === null ? null : { value: request.value, certificateView: null, certificateFrom: null }
}

/** A NEW-VIEW's set, checked once: its problem (null when valid) and the re-proposal it determines. */
export interface NewViewCheck {
  problem: string | null
  reProposal: ReProposal | null
}

/**
 * The checks every honest replica makes on view-change evidence. Results are remembered per
 * evidence object (the engine builds each VIEW-CHANGE and each NEW-VIEW body once and hands
 * the same immutable object to every recipient), so a set V seen by 99 backups is checked
 * once, and a certificate's signatures once each.
 */
export class EvidenceChecker {
  private readonly viewChanges = new WeakMap<SignedViewChange, string | null>()
  private readonly newViews = new WeakMap<NewViewBody, { from: number; view: number; check: NewViewCheck }>()

  constructor(private readonly rules: EvidenceRules) {}

  /** Whether `signature` is `signer`'s over the fields (always, when signatures are not verified). */
  signed(signer: number, type: Parameters<Signatures['verify']>[1], view: number, digest: string, signature: string): boolean {
    const { verify, signatures, sequence } = this.rules
    return !verify || signatures.verify(signer, type, view, sequence, digest, signature)
  }

  /** Why the client's signed request is not genuine, or null. */
  requestProblem(request: SignedRequest): string | null {
    const client = this.rules.nodes
    return this.signed(client, 'request', REQUEST_VIEW, digestOf(request.value), request.signature) ? null : 'request not signed by the client'
  }

  /**
   * Why a prepared certificate held by `holder` is not valid evidence for a view change to
   * `target`, or null: the pre-prepare must be signed by the primary of the certificate's view,
   * every PREPARE by its sender, all for the certificate's value, and enough of them for the
   * holder to have been prepared (`certificateVotesNeeded`).
   */
  certificateProblem(certificate: Certificate, holder: number, target: number): string | null {
    const { nodes, f, quorumRule } = this.rules
    const { view, value } = certificate
    if (!Number.isInteger(view) || view < 0 || view >= target) return `a certificate of view ${view} cannot move to view ${target}`
    const digest = digestOf(value)
    const primary = primaryOf(view, nodes)
    if (!this.signed(primary, 'pre-prepare', view, digest, certificate.prePrepare)) return `its pre-prepare is not signed by primary ${primary}`
    const voters = new Set<number>()
    for (const vote of certificate.prepares) {
      if (!Number.isInteger(vote.from) || vote.from < 0 || vote.from >= nodes || voters.has(vote.from)) {
        return 'a PREPARE from an unknown or repeated sender'
      }
      if (!this.signed(vote.from, 'prepare', view, digest, vote.signature)) return `the PREPARE of ${vote.from} is not signed by it`
      voters.add(vote.from)
    }
    const excluded = quorumRule === 'original' ? holder : primary
    const counted = voters.size - (voters.has(excluded) ? 1 : 0)
    const needed = certificateVotesNeeded(nodes, f, quorumRule)
    return counted >= needed ? null : `${counted} signed PREPAREs, ${needed} needed`
  }

  /** Why a VIEW-CHANGE is not valid evidence, or null (remembered per object). */
  viewChangeProblem(entry: SignedViewChange): string | null {
    let problem = this.viewChanges.get(entry)
    if (problem === undefined) {
      problem = this.checkViewChange(entry)
      this.viewChanges.set(entry, problem)
    }
    return problem
  }

  private checkViewChange(entry: SignedViewChange): string | null {
    const { from, view, value, body } = entry
    if (!Number.isInteger(from) || from < 0 || from >= this.rules.nodes) return 'from an unknown replica'
    if (!this.signed(from, 'view-change', view, viewChangeDigest(value, body).hex, entry.signature)) return `not signed by ${from}`
    const certificate = body.certificate
    if (value !== (certificate?.value ?? NO_VALUE)) return `claims ${value || 'no value'} without a certificate for it`
    if (certificate !== null) {
      const problem = this.certificateProblem(certificate, from, view)
      if (problem !== null) return `certificate: ${problem}`
    }
    return body.request === null ? null : this.requestProblem(body.request)
  }

  /**
   * Checks the set of a NEW-VIEW for `view` from `from` (its primary): VIEW-CHANGEs for that
   * view, valid, from distinct replicas, at least `viewChangesNeeded` of them from others, the
   * request genuine; and recomputes the re-proposal. Remembered per body.
   */
  newViewProblem(body: NewViewBody, from: number, view: number): NewViewCheck {
    const known = this.newViews.get(body)
    if (known !== undefined && known.from === from && known.view === view) return known.check
    const check = this.checkNewView(body, from, view)
    this.newViews.set(body, { from, view, check })
    return check
  }

  private checkNewView(body: NewViewBody, from: number, view: number): NewViewCheck {
    const { nodes, f, quorumRule } = this.rules
    const senders = new Set<number>()
    for (const entry of body.viewChanges) {
      if (entry.view !== view) return { problem: `V holds a VIEW-CHANGE for view ${entry.view}`, reProposal: null }
      if (senders.has(entry.from)) return { problem: `V holds two VIEW-CHANGEs from ${entry.from}`, reProposal: null }
      const problem = this.viewChangeProblem(entry)
      if (problem !== null) return { problem: `the VIEW-CHANGE of ${entry.from} ${problem}`, reProposal: null }
      senders.add(entry.from)
    }
    const others = senders.size - (senders.has(from) ? 1 : 0)
    const needed = viewChangesNeeded(nodes, f, quorumRule)
    if (others < needed) return { problem: `V holds ${others} VIEW-CHANGEs from others, ${needed} needed`, reProposal: null }
    if (body.request !== null && this.requestProblem(body.request) !== null) return { problem: 'its request is not signed by the client', reProposal: null }
    const value = reProposal(body.viewChanges, body.request)
    if (value === null) return { problem: 'V holds no certificate and it carries no request', reProposal: null }
    return { problem: null, reProposal: value }
  }
}
