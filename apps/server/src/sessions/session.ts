import type { LiveRound } from '@pbft/engine'
import {
  SESSION_LIMITS,
  type ByzantineChoice,
  type FaultKind,
  type LivePhase,
  type LiveRoundRecord,
  type PlayedBy,
  type QuorumRule,
  type RoundOutcome,
  type RoundRecord,
  type SeatBar,
  type SeatRecord,
  type SessionDocument,
  type SessionSettings,
  type SessionStatus,
} from '@pbft/protocol'
import type { Clock } from './clock'
import { SessionError } from './errors'
import { RoundRunner, type RoundChange } from './roundRunner'
import { deliveryProbability } from './deliveryRate'
import { displayedRound, outcomeOf } from './sessionDocument'
import { botDelayMs, checkIdleBot } from './sessionConfig'
import { barHolder, liftBars, releaseSeat, seatByTokenHash, seatToClaim } from './seats'
import { clientKey, hashToken, newToken, sameHash } from './tokens'

/** What a session needs from its owner: time, and to hear about what changed. */
export interface SessionEnv {
  clock: Clock
  /** Called after the session applied the change (a finished round is already in the history). */
  roundChanged(session: Session, change: RoundChange): void
  onError(error: unknown): void
}

/**
 * One classroom session: its seats and who holds them, its settings, the round being played
 * and the history of finished ones. Transport-free and storage-free: the service persists it
 * and tells the audiences. Rules of PBFT stay in the engine's LiveRound, driven by `run`.
 */
export class Session {
  readonly id: string
  readonly createdAt: number
  readonly hostTokenHash: string
  readonly settings: SessionSettings
  readonly seats: SeatRecord[]
  locked: boolean
  nextRound: number
  readonly rounds: RoundRecord[]
  /** Kicked holders who may not claim again until the host allows their seat. */
  readonly barred: SeatBar[]
  /** The round being played, or the last one played (kept after it finished for the views). */
  run: RoundRunner | null = null
  /** Socket connection ids per seat: a human is online while one of their sockets is connected. */
  private readonly connections = new Map<number, Set<string>>()
  /** A round was running when the document was saved: `resume` restarts its timers. */
  private interrupted: boolean

  /** `replayed`: the LiveRound of `displayedRound(document)`, when the caller replayed it already (in slices). */
  constructor(
    document: SessionDocument,
    private readonly env: SessionEnv,
    replayed?: LiveRound,
  ) {
    this.id = document.id
    this.createdAt = document.createdAt
    this.hostTokenHash = document.hostTokenHash
    this.settings = document.settings
    this.seats = document.seats
    this.locked = document.locked
    this.nextRound = document.nextRound
    this.rounds = document.rounds
    this.barred = document.barred
    this.interrupted = document.current !== null
    const displayed = displayedRound(document)
    if (displayed) this.run = this.runner(displayed, replayed)
  }

  /** Schedules the timers of a restored round: call once the owner can take changes. */
  resume(): void {
    // A round whose log already ends the commit phase finishes now and enters the history.
    if (this.interrupted) this.run?.start()
    this.interrupted = false
  }

  get nodeCount(): number {
    return this.seats.length
  }

  get running(): boolean {
    return this.run !== null && !this.run.done
  }

  get status(): SessionStatus {
    if (this.running) return 'running'
    return this.rounds.some((round) => !round.aborted) ? 'finished' : 'waiting'
  }

  /** Rounds started so far (round numbers are never reused). */
  get currentRound(): number {
    return this.nextRound - 1
  }

  get phase(): LivePhase | null {
    return this.run?.live.phase ?? null
  }

  /** The outcome shown with the last round (null while it runs or after a reset). */
  get outcome(): RoundOutcome | null {
    if (!this.run?.done) return null
    return this.rounds.find((round) => round.round === this.run?.record.round)?.outcome ?? null
  }

  get lastOutcome(): RoundOutcome | null {
    for (let i = this.rounds.length - 1; i >= 0; i--) {
      const outcome = this.rounds[i]?.outcome
      if (outcome) return outcome
    }
    return null
  }

  faults(): FaultKind[] {
    return this.seats.map((seat) => seat.fault)
  }

  seat(nodeId: number): SeatRecord {
    const seat = Number.isInteger(nodeId) ? this.seats[nodeId] : undefined
    if (!seat) throw new SessionError('VALIDATION', `no seat ${nodeId}: seats are 0..${this.nodeCount - 1}`)
    return seat
  }

  isOnline(nodeId: number): boolean {
    return (this.connections.get(nodeId)?.size ?? 0) > 0
  }

  onlineSeats(): number[] {
    return this.seats.filter((seat) => seat.holder === 'human' && this.isOnline(seat.id)).map((seat) => seat.id)
  }

  /** A human plays a claimed seat while online; away, a bot does if the host allows it, else nobody. */
  playedBy(nodeId: number): PlayedBy {
    const seat = this.seat(nodeId)
    if (seat.holder === 'bot') return 'bot'
    if (this.isOnline(nodeId)) return 'human'
    return this.settings.botTakeover ? 'bot' : 'nobody'
  }

  // ---- seats ------------------------------------------------------------------------------

  /** `client` is the claimer's address (undefined: unknown, e.g. an internal call). */
  claim(request: { nodeId?: number; name?: string }, client?: string): { seat: SeatRecord; token: string } {
    if (this.locked) throw new SessionError('LOCKED', 'the host locked this session: nobody new can join')
    const from = client === undefined ? null : clientKey(client)
    if (from !== null && this.barred.some((bar) => bar.client === from)) {
      throw new SessionError('KICKED', 'the host removed you from this session: ask the host to let you back in')
    }
    const seat = seatToClaim(this.seats, this.settings.robotNodes, request.nodeId)
    const token = newToken()
    seat.holder = 'human'
    seat.name = request.name ?? null
    seat.tokenHash = hashToken(token)
    seat.claimedAt = this.env.clock.now()
    seat.claimedFrom = from
    this.run?.reschedule()
    return { seat, token }
  }

  /** The seat a token belongs to, or null (revoked, or another session's). */
  seatByToken(token: string): SeatRecord | null {
    return seatByTokenHash(this.seats, hashToken(token))
  }

  /** Throws FORBIDDEN unless `tokenHash` still holds seat `nodeId` (a kick revokes it at once). */
  checkSeat(nodeId: number, tokenHash: string): void {
    const seat = this.seats[nodeId]
    if (!seat || seat.tokenHash === null || !sameHash(seat.tokenHash, tokenHash)) {
      throw new SessionError('FORBIDDEN', `this seat token does not hold seat ${nodeId}`)
    }
  }

  /** Returns whether the seat's presence changed. */
  connect(nodeId: number, connection: string): boolean {
    const wasOnline = this.isOnline(nodeId)
    let set = this.connections.get(nodeId)
    if (!set) this.connections.set(nodeId, (set = new Set()))
    set.add(connection)
    if (!wasOnline) this.run?.reschedule()
    return !wasOnline
  }

  disconnect(nodeId: number, connection: string): boolean {
    const set = this.connections.get(nodeId)
    if (!set?.delete(connection) || set.size > 0) return false
    this.run?.reschedule()
    return true
  }

  /** Hands the seat back to a bot and bars its holder from claiming again (see `allow`). */
  kick(nodeId: number): void {
    const seat = this.seat(nodeId)
    if (seat.holder !== 'human') throw new SessionError('VALIDATION', `seat ${nodeId} is played by a bot already`)
    barHolder(this.barred, seat, this.env.clock.now())
    releaseSeat(seat)
    this.connections.delete(nodeId)
    this.run?.reschedule()
  }

  /** Lifts the bars of the holders kicked from `nodeId`; returns how many there were. */
  allow(nodeId: number): number {
    this.seat(nodeId)
    return liftBars(this.barred, nodeId)
  }

  isBarred(nodeId: number): boolean {
    return this.barred.some((bar) => bar.nodeId === nodeId)
  }

  /**
   * A round keeps the faults it started with (its LiveRound fixed them), so a change made
   * while a round runs takes effect from the next round.
   */
  setFault(nodeId: number, fault: FaultKind): 'now' | 'next-round' {
    const seat = this.seat(nodeId)
    if (fault !== 'honest' && this.seats.every((other) => other === seat || other.fault !== 'honest')) {
      throw new SessionError('VALIDATION', 'at least one replica must stay honest')
    }
    seat.fault = fault
    return this.running ? 'next-round' : 'now'
  }

  /** The rule of the rounds started from now on: a running round keeps the rule it started with. */
  setQuorumRule(rule: QuorumRule): 'now' | 'next-round' {
    this.settings.quorumRule = rule
    return this.running ? 'next-round' : 'now'
  }

  /** The idle bot's delay (null: off); the open phase's pending humans get their deadline from when it opened. */
  setIdleBot(idleBotAfterMs: number | null): void {
    checkIdleBot({ ...this.settings, idleBotAfterMs })
    this.settings.idleBotAfterMs = idleBotAfterMs
    this.run?.resetIdleTimers()
  }

  setBotTakeover(botTakeover: boolean): void {
    this.settings.botTakeover = botTakeover
    this.run?.reschedule()
  }

  /** Percent; a running round uses it for every message sent from now on. */
  setDeliveryRate(rate: number): void {
    this.settings.messageDeliveryRate = rate
    if (this.running) this.run?.setDeliveryProbability(deliveryProbability(rate))
  }

  // ---- rounds -----------------------------------------------------------------------------

  startRound(seed: number): number {
    if (this.running) throw new SessionError('ROUND_RUNNING', `round ${this.run?.record.round} is still running: reset it first`)
    const round = this.nextRound++
    this.run = this.runner({
      round,
      seed,
      startedAt: this.env.clock.now(),
      faults: this.faults(),
      p: deliveryProbability(this.settings.messageDeliveryRate),
      proposal: this.settings.proposalContent,
      authentication: this.settings.authentication,
      log: [],
      quorumRule: this.settings.quorumRule,
    })
    this.run.start()
    return round
  }

  nextPhase(): LivePhase {
    const run = this.runningRound()
    run.closePhase('host')
    return run.live.phase
  }

  /** Aborts the running round (kept in the history as aborted); returns its number, or null. */
  resetRound(): number | null {
    const run = this.run
    this.run = null
    if (!run || run.done) return null
    run.stop()
    this.remember({ ...run.record, finishedAt: this.env.clock.now(), aborted: true, outcome: null })
    return run.record.round
  }

  act(nodeId: number, choice: ByzantineChoice | undefined): number {
    const run = this.runningRound()
    // A value for a replica that does not exist would be stored in the log and shown to
    // nobody: the caller made a mistake (or probes), and is told so.
    for (const key of Object.keys(choice?.values ?? {})) {
      if (!/^(?:0|[1-9]\d*)$/.test(key) || Number(key) >= this.nodeCount) {
        throw new SessionError('VALIDATION', `values.${key}: no replica ${key} in a session of ${this.nodeCount} (replicas are 0..${this.nodeCount - 1})`)
      }
    }
    if (choice?.tamper === true && !this.settings.allowTampering && run.record.faults[nodeId] !== 'tamper') {
      throw new SessionError('FORBIDDEN', 'tampering is not allowed in this session')
    }
    return run.act(nodeId, choice, 'human').length
  }

  skip(nodeId: number): void {
    const run = this.runningRound()
    if (run.record.faults[nodeId] === 'honest') {
      throw new SessionError('NOT_BYZANTINE', `replica ${nodeId} is honest: honest replicas always send`)
    }
    run.skip(nodeId, 'human')
  }

  /** Cancels every timer (the session is deleted or the server stops). */
  stop(): void {
    this.run?.stop()
  }

  document(): SessionDocument {
    return {
      v: 1,
      id: this.id,
      createdAt: this.createdAt,
      hostTokenHash: this.hostTokenHash,
      settings: this.settings,
      seats: this.seats,
      locked: this.locked,
      nextRound: this.nextRound,
      rounds: this.rounds,
      current: this.running && this.run ? this.run.record : null,
      barred: this.barred,
    }
  }

  private runningRound(): RoundRunner {
    if (!this.run || this.run.done) throw new SessionError('NO_ROUND', 'no round is running: start one first')
    return this.run
  }

  private runner(record: LiveRoundRecord, replayed?: LiveRound): RoundRunner {
    const runner: RoundRunner = new RoundRunner(record, {
      clock: this.env.clock,
      timing: {
        phaseTimeoutMs: this.settings.phaseTimeoutMs,
        phaseGapMs: this.settings.phaseGapMs,
        botDelayMs: (seat) => botDelayMs(this.settings, seat),
        idleBotAfterMs: () => this.settings.idleBotAfterMs,
      },
      playedBy: (seat) => this.playedBy(seat),
      holder: (seat) => {
        const held = this.seats[seat]
        return { human: held?.holder === 'human', name: held?.name ?? null }
      },
      onChange: (change) => {
        // A runner replaced by a reset may still be unwinding a callback: ignore it.
        if (this.run !== runner) return
        if (change.kind === 'finished') {
          const outcome = outcomeOf(runner.record.round, change.result)
          this.remember({ ...runner.record, finishedAt: this.env.clock.now(), aborted: false, outcome })
        }
        this.env.roundChanged(this, change)
      },
      onError: (error) => this.env.onError(error),
    }, replayed)
    return runner
  }

  /** Appends to the history, keeping the last `historyRounds` rounds. */
  private remember(record: RoundRecord): void {
    this.rounds.push(record)
    if (this.rounds.length > SESSION_LIMITS.historyRounds) this.rounds.splice(0, this.rounds.length - SESSION_LIMITS.historyRounds)
  }
}
