import { describe, expect, it } from 'vitest'
import type { QuorumRule } from '../../src/quorum'
import { EvidenceChecker, primaryOf, reProposal, REQUEST_VIEW } from '../../src/round/certificates'
import type { Certificate, SignedRequest, SignedViewChange } from '../../src/round/evidence'
import { digestOf } from '../../src/round/message'
import { Signatures } from '../../src/round/signatures'
import { newViewBody, signViewChange } from '../../src/round/viewChangeLog'

const NODES = 4
const SEQUENCE = 1
const signatures = new Signatures('certificates-spec')

function checker(quorumRule: QuorumRule = 'castro-liskov', verify = true): EvidenceChecker {
  return new EvidenceChecker({ nodes: NODES, f: 1, quorumRule, sequence: SEQUENCE, signatures, verify })
}

/** A certificate of `view` for `value` with genuine signatures of the pre-prepare and of `voters`' PREPAREs. */
function certificate(view: number, value: string, voters: number[]): Certificate {
  const digest = digestOf(value)
  return {
    view,
    value,
    prePrepare: signatures.sign(primaryOf(view, NODES), 'pre-prepare', view, SEQUENCE, digest),
    prepares: voters.map((from) => ({ from, signature: signatures.sign(from, 'prepare', view, SEQUENCE, digest) })),
  }
}

const request: SignedRequest = { value: 'v', signature: signatures.sign(NODES, 'request', REQUEST_VIEW, SEQUENCE, digestOf('v')) }

function viewChange(from: number, view: number, cert: Certificate | null, held: SignedRequest | null = request): SignedViewChange {
  return signViewChange(signatures, SEQUENCE, from, view, cert, held)
}

describe('certificates', () => {
  it('castro-liskov: a pre-prepare of the view’s primary and Q - 1 = 2f PREPAREs of backups', () => {
    const check = checker()
    expect(check.certificateProblem(certificate(0, 'v', [1, 2]), 1, 1)).toBeNull()
    expect(check.certificateProblem(certificate(0, 'v', [1]), 1, 1)).toBe('1 signed PREPAREs, 2 needed')
    // The primary's own PREPARE adds nothing: its vote is the pre-prepare.
    expect(check.certificateProblem(certificate(0, 'v', [0, 1]), 1, 1)).toBe('1 signed PREPAREs, 2 needed')
    expect(check.certificateProblem(certificate(1, 'v', [2, 3]), 2, 2)).toBeNull()
  })

  it('original: 2f PREPAREs from replicas other than the holder', () => {
    const check = checker('original')
    expect(check.certificateProblem(certificate(0, 'v', [2, 3]), 1, 1)).toBeNull()
    expect(check.certificateProblem(certificate(0, 'v', [1, 2]), 1, 1)).toBe('1 signed PREPAREs, 2 needed')
    expect(check.certificateProblem(certificate(0, 'v', [0, 2]), 1, 1)).toBeNull()
  })

  it('refuses forged or mismatched evidence', () => {
    const check = checker()
    const genuine = certificate(0, 'v', [1, 2])
    expect(check.certificateProblem({ ...genuine, value: 'v′' }, 1, 1)).toBe('its pre-prepare is not signed by primary 0')
    const forged = { ...genuine, prepares: [genuine.prepares[0] ?? { from: 1, signature: '' }, { from: 2, signature: genuine.prepares[0]?.signature ?? '' }] }
    expect(check.certificateProblem(forged, 1, 1)).toBe('the PREPARE of 2 is not signed by it')
    expect(check.certificateProblem({ ...genuine, prepares: [...genuine.prepares, ...genuine.prepares] }, 1, 1)).toMatch(/repeated/)
    expect(check.certificateProblem(genuine, 1, 0)).toMatch(/cannot move to view 0/)
    // Without authentication nothing is verified, the structure still is.
    expect(checker('castro-liskov', false).certificateProblem({ ...genuine, value: 'v′' }, 1, 1)).toBeNull()
    expect(checker('castro-liskov', false).certificateProblem(certificate(0, 'v', [1]), 1, 1)).toBe('1 signed PREPAREs, 2 needed')
  })
})

describe('VIEW-CHANGE checks', () => {
  it('a VIEW-CHANGE is signed over its whole body: a stripped certificate or a claim without one fails', () => {
    const check = checker()
    const genuine = viewChange(2, 1, certificate(0, 'v', [1, 2]))
    expect(check.viewChangeProblem(genuine)).toBeNull()
    expect(check.viewChangeProblem({ ...genuine, body: { ...genuine.body, certificate: null }, value: '' })).toBe('not signed by 2')
    expect(check.viewChangeProblem(viewChange(3, 1, null))).toBeNull()
    expect(check.viewChangeProblem(signViewChange(signatures, SEQUENCE, 3, 1, null, request, 'v′'))).toBe('claims v′ without a certificate for it')
    const badRequest = { value: 'x', signature: request.signature }
    expect(check.viewChangeProblem(viewChange(3, 1, null, badRequest))).toBe('request not signed by the client')
  })
})

describe('the re-proposal', () => {
  it('is the value of the highest-view certificate (lowest sender on ties), else the client’s request, else none', () => {
    const low = viewChange(1, 2, certificate(0, 'a', [1, 2]))
    const high = viewChange(3, 2, certificate(1, 'b', [2, 3]))
    const none = viewChange(2, 2, null)
    expect(reProposal([low, high, none], request)).toEqual({ value: 'b', certificateView: 1, certificateFrom: 3 })
    expect(reProposal([none], request)).toEqual({ value: 'v', certificateView: null, certificateFrom: null })
    expect(reProposal([none], null)).toBeNull()
    const tie = viewChange(0, 2, certificate(0, 'c', [1, 2]))
    expect(reProposal([low, tie], null)?.certificateFrom).toBe(0)
  })

  it('a NEW-VIEW set must be a quorum of valid VIEW-CHANGEs for its view, with something to re-propose', () => {
    const check = checker()
    const entries = [0, 1, 2].map((from) => viewChange(from, 1, from === 2 ? certificate(0, 'v', [2, 3]) : null))
    const body = (set: SignedViewChange[], held: SignedRequest | null = request) =>
      newViewBody(signatures, SEQUENCE, 1, 1, set, held, 'v', digestOf)
    expect(check.newViewProblem(body(entries), 1, 1)).toEqual({ problem: null, reProposal: { value: 'v', certificateView: 0, certificateFrom: 2 } })
    expect(check.newViewProblem(body(entries.slice(0, 2)), 1, 1).problem).toBe('V holds 1 VIEW-CHANGEs from others, 2 needed')
    expect(check.newViewProblem(body([...entries, entries[0] as SignedViewChange]), 1, 1).problem).toBe('V holds two VIEW-CHANGEs from 0')
    expect(check.newViewProblem(body([viewChange(0, 2, null), ...entries.slice(1)]), 1, 1).problem).toBe('V holds a VIEW-CHANGE for view 2')
    const noCertificates = [0, 1, 3].map((from) => viewChange(from, 1, null, null))
    expect(check.newViewProblem(body(noCertificates, null), 1, 1).problem).toBe('V holds no certificate and it carries no request')
  })
})
