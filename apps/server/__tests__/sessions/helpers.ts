import { CreateSessionBody, type CreateSessionBody as CreateBody } from '@pbft/protocol'
import { SessionService } from '../../src/sessions/sessionService'
import { hashToken } from '../../src/sessions/tokens'
import type { SeatCredential } from '../../src/sessions/sessionService'
import { MemorySessionStore } from '../../src/store/memorySessionStore'
import { FakeClock } from './fakeClock'
import { RecordingSink } from './recordingSink'

export const QUIET_LOG = { info: () => undefined, warn: () => undefined, error: () => undefined }

export interface Harness {
  service: SessionService
  clock: FakeClock
  sink: RecordingSink
  store: MemorySessionStore
  id: string
  hostToken: string
}

/** A service on a fake clock and a memory store, with one session created from `body`. */
export async function harness(body: CreateBody, store = new MemorySessionStore()): Promise<Harness> {
  const clock = new FakeClock()
  const sink = new RecordingSink()
  let seed = 1
  const service = await SessionService.open({ store, clock, sink, log: QUIET_LOG, newSeed: () => seed++ })
  const { session, hostToken } = await service.create(CreateSessionBody.parse(body))
  return { service, clock, sink, store, id: session.id, hostToken }
}

/** Claims a seat and connects it; returns the credential its socket would use. */
export async function joinSeat(h: Harness, nodeId: number, connection = `conn-${nodeId}`): Promise<SeatCredential & { token: string }> {
  const claim = await h.service.claimSeat(h.id, { nodeId })
  const credential = { nodeId: claim.nodeId, tokenHash: hashToken(claim.seatToken) }
  h.service.seatConnected(h.id, credential, connection)
  return { ...credential, token: claim.seatToken }
}
