import type { LiveRound } from '@pbft/engine'
import {
  isByzantineKind,
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
import { displayedRound, documentOf, recordOf } from './sessionDocument'
import { checkChoiceIds, checkNewView, checkViewChange, type ViewStep } from './viewSteps'
import { botDelayMs, checkIdleBot } from './sessionConfig'
import { SeatRoster } from './seatRoster'

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
export class Session extends SeatRoster {
  readonly id: string
  readonly createdAt: number
  readonly hostTokenHash: string
  nextRound: number
  readonly rounds: RoundRecord[]
  /** The round being played, or the last one played (kept after it finished for the views). */
  run: RoundRunner | null = null
  /** A round was running when the document was saved: `resume` restarts its timers. */
  private interrupted: boolean

  /** `replayed`: the LiveRound of `displayedRound(document)`, when the caller replayed it already (in slices). */
  constructor(
    document: SessionDocument,
    private readonly env: SessionEnv,
    replayed?: LiveRound,
  ) {
    super(document.seats, document.barred, document.settings, document.locked, env.clock)
    this.id = document.id
    this.createdAt = document.createdAt
    this.hostTokenHash = document.hostTokenHash
    this.nextRound = document.nextRound
    this.rounds = document.rounds
    this.interrupted = document.current !== null
    const displayed = displayedRound(document)
    if (displayed) this.run = this.runner(displayed, replayed)
  }

  protected presenceChanged(): void {
    this.run?.reschedule()
  }

  /** The session's clock now (views show how long a timer has left). */
  now(): number {
    return this.env.clock.now()
  }

  /** Schedules the timers of a restored round: call once the owner can take changes. */
  resume(): void {
    // A round whose log already ends the commit phase finishes now and enters the history.
    if (this.interrupted) this.run?.start()
    this.interrupted = false
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

  /** Views per round and the view timer of view 0: a running round keeps its own. */
  setViews(views: { maxViews?: number | undefined; viewTimeoutMs?: number | undefined }): 'now' | 'next-round' {
    if (views.maxViews !== undefined) this.settings.maxViews = views.maxViews
    if (views.viewTimeoutMs !== undefined) this.settings.viewTimeoutMs = views.viewTimeoutMs
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
      maxViews: this.settings.maxViews,
      viewTimeoutMs: this.settings.viewTimeoutMs,
      clientSeat: this.settings.clientSeat,
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
    this.remember(recordOf(run, this.env.clock.now(), null))
    return run.record.round
  }

  act(nodeId: number, choice: ByzantineChoice | undefined): number {
    const run = this.runningRound()
    // An id of a replica that does not exist would be stored in the log and shown to nobody:
    // the caller made a mistake (or probes), and is told so.
    if (choice !== undefined) checkChoiceIds(choice, this.nodeCount)
    if (choice?.tamper === true && !this.settings.allowTampering && run.record.faults[nodeId] !== 'tamper') {
      throw new SessionError('FORBIDDEN', 'tampering is not allowed in this session')
    }
    return run.act(nodeId, choice, 'human').length
  }

  skip(nodeId: number): void {
    const run = this.runningRound()
    const fault = run.record.faults[nodeId] ?? 'honest'
    if (!isByzantineKind(fault)) {
      throw new SessionError('NOT_BYZANTINE', `replica ${nodeId} is ${fault === 'crash' ? 'honest until it crashes' : 'honest'}: honest replicas always send`)
    }
    run.skip(nodeId, 'human')
  }

  /** The host forces the next view (in the last view allowed, the round ends). */
  nextView(): ViewStep {
    const run = this.runningRound()
    run.endView('host')
    return { view: run.live.view, phase: run.live.phase }
  }

  /** `replica:view-change`: the seat asks for a new primary (see checkViewChange for when it may). */
  askNewPrimary(nodeId: number): ViewStep & { sent: number } {
    const run = this.runningRound()
    if (checkViewChange(run, nodeId, this.env.clock.now()) === 'end-view') run.endView('timer')
    const view = run.live.view
    return { view, phase: run.live.phase, sent: this.act(nodeId, undefined) }
  }

  /** `replica:new-view`: the new primary's NEW-VIEW. */
  sendNewView(nodeId: number, choice: ByzantineChoice | undefined): ViewStep & { sent: number } {
    const run = this.runningRound()
    checkNewView(run, nodeId)
    const view = run.live.view
    return { view, phase: run.live.phase, sent: this.act(nodeId, choice) }
  }

  /** `client:request`: the client's seat sends the REQUEST. */
  clientRequest(nodeId: number): number {
    const run = this.runningRound()
    const client = run.live.clientId
    if (client === null || run.clientSeat !== nodeId) {
      throw new SessionError('NOT_CLIENT', `seat ${nodeId} does not play the client${run.clientSeat === null ? ' (the projector does)' : `: seat ${run.clientSeat} does`}`)
    }
    if (run.live.phase !== 'request') throw new SessionError('WRONG_PHASE', `the client sends its request when the round opens, not in ${run.live.phase}`)
    return run.act(client, undefined, 'human').length
  }

  /** Cancels every timer (the session is deleted or the server stops). */
  stop(): void {
    this.run?.stop()
  }

  /** The session as it is stored. */
  document(): SessionDocument {
    return documentOf(this)
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
        if (change.kind === 'finished') this.remember(recordOf(runner, this.env.clock.now(), change.result))
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
