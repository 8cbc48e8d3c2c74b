import type { NormalizedRound } from '../config'
import { Authenticator } from '../round/authenticator'
import { EvidenceChecker } from '../round/certificates'
import { Replica } from '../round/replica'
import { Signatures } from '../round/signatures'
import { Client } from './client'

/** Everyone who takes part in a round, and the keys they authenticate with. */
export interface Participants {
  authenticator: Authenticator
  replicas: Replica[]
  /** The client, in a round with views; null in the classic round. */
  client: Client | null
}

/**
 * The replicas (and in a round with views the client) of a round, keyed from `secret`: link
 * MACs for everyone, and with views signing keys and one evidence checker they all share (it
 * remembers what it checked, so a set V seen by every backup is checked once).
 */
export function createParticipants(round: NormalizedRound, secret: string, withViews: boolean): Participants {
  const { nodes, f, view, sequence, proposal, authentication, quorumRule } = round
  const authenticator = new Authenticator(secret)
  const signatures = withViews ? new Signatures(secret) : null
  const views =
    signatures === null
      ? undefined
      : { signatures, checker: new EvidenceChecker({ nodes, f, quorumRule, sequence, signatures, verify: authentication }) }
  const replicas = round.faults.map(
    (fault, id) => new Replica({ id, nodes, f, view, sequence, fault, proposal, authenticator, authentication, quorumRule, views }),
  )
  const client = signatures && new Client({ nodes, f, sequence, proposal, authenticator, signatures, authentication })
  return { authenticator, replicas, client }
}
