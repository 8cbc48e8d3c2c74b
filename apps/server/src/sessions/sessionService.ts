import { isByzantineKind, SESSION_DOCUMENT_VERSION, type AssignNodeResponse, type ByzantineChoice, type CreateSessionInput, type FaultKind, type LivePhase, type QuorumRule, type SessionDocument } from '@pbft/protocol'
import { runBatchExperiment, type BatchResult } from './batchExperiment'
import { deliveryProbability } from './deliveryRate'
import { SessionError } from './errors'
import type { SeatCredential, SessionServiceOptions } from './serviceOptions'
import { Session } from './session'
import { SessionCore } from './sessionCore'
import { newSessionId, newRoundSeed } from './sessionId'
import { botSeats } from './seats'
import { newSessionConfig } from './sessionConfig'
import { primaryOnShow } from './viewChangeViews'
import type { ViewStep } from './viewSteps'
import { hashToken, newToken } from './tokens'

export type { SeatCredential, SessionOwnership, SessionServiceOptions } from './serviceOptions'

/**
 * The classroom sessions: creation, seats, live rounds with humans and bots, views, history
 * and persistence. Transports (REST routes, the socket gateway) parse input and check who
 * is calling, then call one method here; everything an audience may see leaves through the
 * sink, coalesced by the view publisher (see SessionCore).
 */
export class SessionService extends SessionCore {
  /**
   * Opens the stored sessions: with a store that keeps an index, only the index is read (and
   * running rounds resumed); documents are loaded when first used (`ensure`). See SessionCatalog.
   */
  static async open(options: SessionServiceOptions): Promise<SessionService> {
    const service = new SessionService(options)
    if (!options.ownership) await service.catalog.start()
    return service
  }

  // ---- sessions ---------------------------------------------------------------------------

  async create(input: CreateSessionInput): Promise<{ session: Session; hostToken: string; warnings: string[] }> {
    this.checkOpen()
    const { settings, faults, warnings } = newSessionConfig(input)
    await this.catalog.makeRoom()
    const hostToken = newToken()
    let id = newSessionId((candidate) => this.sessions.has(candidate))
    if (this.options.ownership) {
      while (!(await this.options.ownership.claim(id))) id = newSessionId((candidate) => this.sessions.has(candidate))
    }
    const document: SessionDocument = {
      schemaVersion: SESSION_DOCUMENT_VERSION,
      id,
      createdAt: this.clock.now(),
      hostTokenHash: hashToken(hostToken),
      settings,
      seats: botSeats(faults),
      locked: false,
      nextRound: 1,
      rounds: [],
      current: null,
      barred: [],
    }
    const session = new Session(document, this.env)
    this.catalog.add(session)
    // A session the store refused is forgotten again: nobody would ever see its host token.
    await this.durably(session, () => this.catalog.remove(session.id))
    return { session, hostToken, warnings }
  }

  async delete(sessionId: string): Promise<void> {
    const session = this.get(sessionId)
    this.forget(session)
    this.catalog.remove(session.id)
    await this.options.store.deleteSession(session.id)
  }

  // ---- seats ------------------------------------------------------------------------------

  /** `client`: the claimer's address, which a kick bars (see Session.claim). */
  async claimSeat(sessionId: string, request: { nodeId?: number; name?: string }, client?: string): Promise<AssignNodeResponse> {
    const session = this.get(sessionId)
    const { seat, token } = session.claim(request, client)
    this.changed(session, [seat.id])
    // Unsaved, the claim is undone: the caller never receives the token, so nobody could use the seat.
    await this.durably(session, () => {
      session.kick(seat.id)
      this.changed(session, [seat.id])
    })
    return {
      sessionId: session.id,
      nodeId: seat.id,
      seatToken: token,
      role: seat.id === primaryOnShow(session) ? 'primary' : 'backup',
      fault: seat.fault,
      isByzantine: isByzantineKind(seat.fault),
      client: session.settings.clientSeat === seat.id,
    }
  }

  /** A seat's socket connected (`connection` identifies it); the caller then sends it `replicaView`. */
  seatConnected(sessionId: string, credential: SeatCredential, connection: string): void {
    const session = this.seatSession(sessionId, credential)
    if (session.connect(credential.nodeId, connection)) this.changed(session, [credential.nodeId])
  }

  seatDisconnected(sessionId: string, nodeId: number, connection: string): void {
    const session = this.sessions.get(sessionId)
    if (session?.disconnect(nodeId, connection)) this.changed(session, [nodeId])
  }

  async kick(sessionId: string, nodeId: number): Promise<void> {
    const session = this.get(sessionId)
    session.kick(nodeId)
    this.sink.seatKicked(session.id, nodeId, 'the host gave your seat back to a bot')
    this.changed(session, [nodeId])
    await this.durably(session)
  }

  /** Lets the holders kicked from `nodeId` claim again; returns how many bars were lifted. */
  async allowSeat(sessionId: string, nodeId: number): Promise<number> {
    const session = this.get(sessionId)
    const allowed = session.allow(nodeId)
    if (allowed === 0) return 0
    this.changed(session, [nodeId])
    await this.durably(session)
    return allowed
  }

  async setLocked(sessionId: string, locked: boolean): Promise<void> {
    const session = this.get(sessionId)
    session.locked = locked
    this.changed(session, [])
    await this.durably(session)
  }

  async setFault(sessionId: string, nodeId: number, fault: FaultKind): Promise<'now' | 'next-round'> {
    const session = this.get(sessionId)
    const effective = session.setFault(nodeId, fault)
    this.changed(session, [nodeId])
    await this.durably(session)
    return effective
  }

  async setBotTakeover(sessionId: string, botTakeover: boolean): Promise<void> {
    const session = this.get(sessionId)
    session.setBotTakeover(botTakeover)
    this.changed(session, 'all')
    await this.durably(session)
  }

  /** The session's quorum rule from the next round on (now when no round is running). */
  async setQuorumRule(sessionId: string, rule: QuorumRule): Promise<'now' | 'next-round'> {
    const session = this.get(sessionId)
    const effective = session.setQuorumRule(rule)
    this.changed(session, [])
    await this.durably(session)
    return effective
  }

  /** Views per round and the view timer of view 0, from the next round on. */
  async setViews(sessionId: string, views: { maxViews?: number | undefined; viewTimeoutMs?: number | undefined }): Promise<'now' | 'next-round'> {
    const session = this.get(sessionId)
    const effective = session.setViews(views)
    this.changed(session, [])
    await this.durably(session)
    return effective
  }

  /** The idle bot's delay (null: off), for the open phase too. */
  async setIdleBot(sessionId: string, idleBotAfterMs: number | null): Promise<void> {
    const session = this.get(sessionId)
    session.setIdleBot(idleBotAfterMs)
    this.changed(session, [])
    await this.durably(session)
  }

  async setDeliveryRate(sessionId: string, rate: number): Promise<void> {
    const session = this.get(sessionId)
    this.engine(() => session.setDeliveryRate(rate))
    this.changed(session, [])
    await this.durably(session)
  }

  // ---- rounds -----------------------------------------------------------------------------

  async startRound(sessionId: string, seed?: number): Promise<{ round: number; seed: number }> {
    this.checkOpen()
    const session = this.get(sessionId)
    const roundSeed = seed ?? (this.options.newSeed ?? newRoundSeed)()
    const round = this.engine(() => session.startRound(roundSeed))
    // Like a phase opening, a new round is sent at once (see roundChanged).
    this.publisher.all(session.id)
    this.publisher.flush(session.id)
    await this.durably(session)
    return { round, seed: roundSeed }
  }

  async nextPhase(sessionId: string): Promise<LivePhase> {
    const session = this.get(sessionId)
    const phase = this.engine(() => session.nextPhase())
    await this.durably(session)
    return phase
  }

  async resetRound(sessionId: string): Promise<number | null> {
    const session = this.get(sessionId)
    const aborted = session.resetRound()
    this.publisher.all(session.id)
    this.publisher.flush(session.id)
    await this.durably(session)
    return aborted
  }

  /** A human acts for its seat; resolves once the move is durable. Returns how many messages it sent. */
  async act(sessionId: string, credential: SeatCredential, choice?: ByzantineChoice): Promise<number> {
    const session = this.seatSession(sessionId, credential)
    const sent = this.engine(() => session.act(credential.nodeId, choice))
    await this.durably(session)
    return sent
  }

  async skip(sessionId: string, credential: SeatCredential): Promise<void> {
    const session = this.seatSession(sessionId, credential)
    this.engine(() => session.skip(credential.nodeId))
    await this.durably(session)
  }

  // ---- views (issue 13) -------------------------------------------------------------------

  /** The host forces the next view now (in the last view allowed, the round ends). */
  async nextView(sessionId: string): Promise<ViewStep> {
    const session = this.get(sessionId)
    const step = this.engine(() => session.nextView())
    await this.durably(session)
    return step
  }

  /** A seat whose view timer expired asks for a new primary: its VIEW-CHANGE. */
  async askNewPrimary(sessionId: string, credential: SeatCredential): Promise<ViewStep & { sent: number }> {
    const session = this.seatSession(sessionId, credential)
    const step = this.engine(() => session.askNewPrimary(credential.nodeId))
    await this.durably(session)
    return step
  }

  /** The new primary's NEW-VIEW (a Byzantine one may choose its value and set V). */
  async sendNewView(sessionId: string, credential: SeatCredential, choice?: ByzantineChoice): Promise<ViewStep & { sent: number }> {
    const session = this.seatSession(sessionId, credential)
    const step = this.engine(() => session.sendNewView(credential.nodeId, choice))
    await this.durably(session)
    return step
  }

  /** The client's REQUEST, from the seat that plays the client. */
  async clientRequest(sessionId: string, credential: SeatCredential): Promise<number> {
    const session = this.seatSession(sessionId, credential)
    const sent = this.engine(() => session.clientRequest(credential.nodeId))
    await this.durably(session)
    return sent
  }

  /**
   * A round of the history with its full message trace, replayed from its seed and log, as the
   * JSON bytes of a RoundTraceResponse, gzipped if asked (built in slices and cached: see RoundTraces).
   */
  async roundTraceJson(sessionId: string, round: number, client = 'local', gzipped = false): Promise<Buffer> {
    const session = this.get(sessionId)
    const record = session.rounds.find((candidate) => candidate.round === round)
    if (!record) {
      const kept = session.rounds.map((r) => r.round)
      const range = kept.length > 0 ? `rounds ${kept[0]}..${kept.at(-1)} are kept` : 'no round finished yet'
      throw new SessionError('NOT_FOUND', `no round ${round} in the history of ${session.id} (${range})`)
    }
    return this.traces.answer(session.id, record, client, gzipped)
  }

  /** What the replay cache holds (tests, diagnostics). */
  get cachedTraces(): { rounds: number; bytes: number } {
    return this.traces.cached
  }

  /** The original system's batch experiment with this session's N, p and faults (bounded: see BatchLimiter). */
  async runBatch(sessionId: string, rounds: number, seed?: number, client = 'local'): Promise<BatchResult & { sessionId: string; durationMs: number }> {
    const session = this.get(sessionId)
    const faults = session.faults()
    const crashing = faults.flatMap((kind, id) => (kind === 'crash' ? [id] : []))
    if (crashing.length > 0) {
      // The batch is the one-view metric of the original system, on a kernel without crashes.
      throw new SessionError('VALIDATION', `the batch experiment plays no crashes: give seat(s) ${crashing.join(', ')} another fault kind first`)
    }
    return this.batches.run(session.id, session.nodeCount, rounds, client, async () => {
      const started = performance.now()
      const result = await runBatchExperiment({
        nodes: session.nodeCount,
        p: deliveryProbability(session.settings.messageDeliveryRate),
        faults: faults.map((kind) => (kind === 'crash' ? 'honest' : kind)),
        authentication: session.settings.authentication,
        quorumRule: session.settings.quorumRule,
        proposal: session.settings.proposalContent,
        rounds,
        seed: seed ?? (this.options.newSeed ?? newRoundSeed)(),
      })
      const durationMs = Math.round((performance.now() - started) * 100) / 100
      return { ...result, messageDeliveryRate: session.settings.messageDeliveryRate, sessionId: session.id, durationMs }
    })
  }
}
