import { CreateSessionBody } from '@pbft/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { SessionError } from '../../src/sessions/errors'
import { botDelayMs } from '../../src/sessions/sessionConfig'
import { SessionService } from '../../src/sessions/sessionService'
import { MemorySessionStore } from '../../src/store/memorySessionStore'
import { FakeClock } from './fakeClock'
import { harness, joinSeat, QUIET_LOG, type Harness } from './helpers'
import { RecordingSink } from './recordingSink'
import { httpStatus } from '../../src/errors/refusals'

const TIMING = { pacingMs: 100, phaseTimeoutMs: 1000, phaseGapMs: 50 }

let open: Harness[] = []
async function make(body: Parameters<typeof harness>[0], store?: MemorySessionStore): Promise<Harness> {
  const h = await harness(body, store)
  open.push(h)
  return h
}

afterEach(async () => {
  for (const h of open) await h.service.close()
  open = []
})

async function rejection(promise: Promise<unknown>): Promise<SessionError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SessionError)
  return error as SessionError
}

describe('bots', () => {
  it('act after their pacing delay, one phase after the other, and decide', async () => {
    const h = await make({ nodeCount: 4, ...TIMING })
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    // The projector sent the client's REQUEST to the primary as the round opened.
    expect(session.run?.live.trace.map((m) => [m.phase, m.from, m.to])).toEqual([['request', 4, 0]])
    h.clock.advance(botDelayMs(TIMING, 0) - 1)
    expect(session.run?.live.trace).toHaveLength(1)
    h.clock.advance(1)
    expect(session.run?.live.trace).toHaveLength(4)
    h.clock.advance(3 * (botDelayMs(TIMING, 15) + TIMING.phaseGapMs))
    expect(session.status).toBe('finished')
    expect(h.sink.outcomes).toHaveLength(1)
    expect(h.sink.outcomes[0]).toMatchObject({ round: 1, success: true, decidedValue: 'the proposal', safetyViolation: false })
    const record = session.rounds[0]
    // request, pre-prepare, prepare, commit, reply: the client accepted in view 0.
    expect(record?.log.filter((entry) => entry.type === 'close').map((entry) => entry.type === 'close' && entry.reason)).toEqual([
      'complete',
      'complete',
      'complete',
      'complete',
      'complete',
    ])
    expect(h.sink.outcomes[0]).toMatchObject({ view: 0, primary: 0, viewChanges: 0, clientAccepted: true, clientValue: 'the proposal' })
  })

  it('stagger deterministically per seat within half the pacing', () => {
    const delays = Array.from({ length: 100 }, (_, seat) => botDelayMs({ pacingMs: 200 }, seat))
    expect(Math.min(...delays)).toBe(200)
    expect(Math.max(...delays)).toBe(300)
    expect(new Set(delays).size).toBeGreaterThan(5)
    expect(botDelayMs({ pacingMs: 200 }, 7)).toBe(delays[7])
  })

  it('are refused when they could not act before the phase timeout', async () => {
    // The original system: bots waited 10 s per phase, phases timed out after 2 s.
    const service = await SessionService.open({ store: new MemorySessionStore(), log: QUIET_LOG })
    const error = await rejection(service.create(CreateSessionBody.parse({ nodeCount: 4, pacingMs: 10_000, phaseTimeoutMs: 2_000 })))
    expect(error.code).toBe('VALIDATION')
    expect(httpStatus(error)).toBe(400)
    expect(error.message).toMatch(/phaseTimeoutMs must be at least 30000 ms/)
    await service.close()
  })
})

describe('phase timeouts', () => {
  it('close a phase whose humans stay silent, and a one-view round fails', async () => {
    const h = await make({ nodeCount: 4, ...TIMING, maxViews: 1 })
    for (const id of [1, 2, 3]) await joinSeat(h, id)
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    h.clock.advance(TIMING.pacingMs + TIMING.phaseGapMs)
    expect(session.phase).toBe('prepare')
    expect(session.run?.live.pending()).toEqual([1, 2, 3])
    h.clock.advance(TIMING.phaseTimeoutMs - 1)
    expect(session.phase).toBe('prepare')
    h.clock.advance(1)
    expect(session.phase).toBe('commit')
    h.clock.advance(TIMING.phaseTimeoutMs)
    expect(session.status).toBe('finished')
    const outcome = h.sink.outcomes[0]
    expect(outcome).toMatchObject({ success: false, failureReason: 'prepare: Np=0 < N-f=3' })
    expect(session.rounds[0]?.log.some((entry) => entry.type === 'close' && entry.reason === 'timeout')).toBe(true)
  })

  it('with views, silent humans time out, the client waits for its view timer, and the view changes', async () => {
    const h = await make({ nodeCount: 4, ...TIMING, viewTimeoutMs: 5000 })
    for (const id of [1, 2, 3]) await joinSeat(h, id)
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    h.clock.advance(TIMING.pacingMs + TIMING.phaseGapMs + 2 * TIMING.phaseTimeoutMs)
    // Nobody committed: the client has no result and waits until the view timer runs out.
    expect(session.phase).toBe('reply')
    expect(session.run?.live.progress().clientAccepted).toBe(false)
    expect(h.service.hostView(h.id).phaseDeadline).toBe(session.run?.viewClock?.deadline)
    h.clock.advance((session.run?.viewClock?.deadline ?? 0) - h.clock.now() - 1)
    expect(session.phase).toBe('reply')
    h.clock.advance(1)
    expect([session.phase, session.run?.live.view]).toEqual(['view-change', 1])
    expect(session.run?.record.log.at(-1)).toMatchObject({ type: 'close', reason: 'view-timeout' })
    // View 1's clock runs twice as long.
    expect(session.run?.viewClock?.durationMs).toBe(10_000)
  })

  it('the host can force the next phase', async () => {
    const h = await make({ nodeCount: 4, ...TIMING })
    for (const id of [0, 1, 2, 3]) await joinSeat(h, id)
    await h.service.startRound(h.id)
    expect(await h.service.nextPhase(h.id)).toBe('prepare')
    expect(h.service.get(h.id).rounds).toHaveLength(0)
  })
})

describe('humans', () => {
  it('play a whole round and every replica decides', async () => {
    const h = await make({ nodeCount: 4, ...TIMING })
    const seats = await Promise.all([0, 1, 2, 3].map((id) => joinSeat(h, id)))
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    for (const phase of ['pre-prepare', 'prepare', 'commit']) {
      expect(session.phase).toBe(phase)
      for (const seat of seats) {
        if (session.run?.live.pending().includes(seat.nodeId)) await h.service.act(h.id, seat)
      }
      h.clock.advance(TIMING.phaseGapMs)
    }
    expect(session.status).toBe('finished')
    expect(h.sink.outcomes[0]).toMatchObject({ success: true, decidedValues: ['the proposal'] })
    for (const seat of seats) expect(h.service.replicaView(h.id, seat.nodeId).snapshot?.decidedValue).toBe('the proposal')
  })

  it('are refused what their seat may not do', async () => {
    const h = await make({ nodeCount: 4, ...TIMING, faults: { 3: 'wrong-value' } })
    const seats = await Promise.all([0, 1, 2, 3].map((id) => joinSeat(h, id)))
    const [primary, honest, , byzantine] = seats as [(typeof seats)[0], (typeof seats)[0], unknown, (typeof seats)[0]]
    expect((await rejection(h.service.act(h.id, honest))).code).toBe('NO_ROUND')
    await h.service.startRound(h.id)
    expect((await rejection(h.service.act(h.id, honest))).code).toBe('NOT_PENDING')
    expect((await rejection(h.service.act(h.id, primary, { value: 'evil' }))).code).toBe('NOT_BYZANTINE')
    expect((await rejection(h.service.skip(h.id, primary))).code).toBe('NOT_BYZANTINE')
    expect((await rejection(h.service.act(h.id, { nodeId: 0, tokenHash: honest.tokenHash }))).code).toBe('FORBIDDEN')
    await h.service.act(h.id, primary)
    h.clock.advance(TIMING.phaseGapMs)
    expect((await rejection(h.service.act(h.id, byzantine, { tamper: true }))).code).toBe('FORBIDDEN')
    expect((await rejection(h.service.act(h.id, byzantine, { value: '' }))).code).toBe('VALIDATION')
    await h.service.act(h.id, byzantine, { values: { 1: 'x', 2: 'y' } })
    const trace = h.service.hostView(h.id).trace.messages.filter((m) => m.from === 3)
    expect(trace.map((m) => [m.to, m.value])).toEqual([
      [0, 'the proposal′'],
      [1, 'x'],
      [2, 'y'],
    ])
  })

  it('see only the messages that reached them, rejected ones marked', async () => {
    const h = await make({ nodeCount: 7, ...TIMING, messageDeliveryRate: 60, faults: { 6: 'tamper' }, viewTimeoutMs: 500 })
    for (const id of [0, 1, 2, 3, 4, 5, 6]) await joinSeat(h, id)
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    for (let guard = 0; guard < 60 && session.running; guard++) {
      for (const id of session.run?.live.pending() ?? []) await h.service.act(h.id, { nodeId: id, tokenHash: session.seats[id]?.tokenHash ?? '' })
      h.clock.advance(TIMING.phaseGapMs)
      // A view without a result waits for its timer, then the next view is played the same way.
      if (session.phase === 'reply') h.clock.advance((session.run?.viewClock?.deadline ?? 0) - h.clock.now())
    }
    const trace = h.service.hostView(h.id).trace.messages
    expect(trace.some((m) => m.status === 'dropped')).toBe(true)
    expect(trace.some((m) => m.status === 'rejected')).toBe(true)
    for (let id = 0; id < 7; id++) {
      const view = h.service.replicaView(h.id, id)
      const expected = trace.filter((m) => m.to === id && m.status !== 'dropped')
      expect(view.received.map((m) => m.index)).toEqual(expected.map((m) => m.index))
      for (const m of view.received) expect(m.status).toBe(trace[m.index]?.status)
      expect(view.sent.map((m) => m.index)).toEqual(trace.filter((m) => m.from === id).map((m) => m.index))
      expect(view.outcome).not.toBeNull()
    }
  })
})

describe('seats', () => {
  it('lock stops new claims but not returning holders', async () => {
    const h = await make({ nodeCount: 4, ...TIMING })
    const seat = await joinSeat(h, 2)
    await h.service.setLocked(h.id, true)
    expect((await rejection(h.service.claimSeat(h.id, {}))).code).toBe('LOCKED')
    expect(h.service.seatForToken(h.id, seat.token).nodeId).toBe(2)
    await h.service.setLocked(h.id, false)
    expect((await h.service.claimSeat(h.id, {})).nodeId).toBe(0)
    expect((await rejection(h.service.claimSeat(h.id, { nodeId: 2 }))).code).toBe('SEAT_TAKEN')
  })

  it('kick revokes the token, tells the seat and hands it to a bot', async () => {
    const h = await make({ nodeCount: 4, ...TIMING })
    const seat = await joinSeat(h, 1)
    await h.service.kick(h.id, 1)
    expect(h.sink.kicked).toEqual([{ nodeId: 1, reason: expect.any(String) }])
    expect(() => h.service.seatForToken(h.id, seat.token)).toThrow(/holds no seat/)
    expect((await rejection(h.service.act(h.id, seat))).code).toBe('FORBIDDEN')
    expect(h.service.get(h.id).playedBy(1)).toBe('bot')
  })

  it('a fault reassigned during a round takes effect from the next round', async () => {
    const h = await make({ nodeCount: 4, ...TIMING })
    await h.service.startRound(h.id)
    expect(await h.service.setFault(h.id, 2, 'silent')).toBe('next-round')
    h.clock.advance(TIMING.phaseTimeoutMs)
    const session = h.service.get(h.id)
    expect(session.rounds[0]?.faults).toEqual(['honest', 'honest', 'honest', 'honest'])
    await h.service.startRound(h.id)
    expect(session.run?.record.faults).toEqual(['honest', 'honest', 'silent', 'honest'])
    expect(await h.service.setFault(h.id, 2, 'honest')).toBe('next-round')
    await h.service.resetRound(h.id)
    expect(await h.service.setFault(h.id, 2, 'honest')).toBe('now')
  })

  it('refuses to make every replica Byzantine', async () => {
    const h = await make({ nodeCount: 4, ...TIMING, faultyNodes: 3 })
    expect((await rejection(h.service.setFault(h.id, 0, 'silent'))).code).toBe('VALIDATION')
  })

  it('a bot plays an away human when allowed, and the human takes the seat back', async () => {
    const h = await make({ nodeCount: 4, ...TIMING, botTakeover: true })
    const seats = await Promise.all([1, 2, 3].map((id) => joinSeat(h, id)))
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    h.clock.advance(TIMING.pacingMs + TIMING.phaseGapMs)
    expect(session.phase).toBe('prepare')
    // Seat 1 goes away: a bot acts for it after its pacing delay.
    h.service.seatDisconnected(h.id, 1, 'conn-1')
    expect(session.playedBy(1)).toBe('bot')
    h.clock.advance(botDelayMs(TIMING, 1))
    expect(session.run?.live.pending()).toEqual([2, 3])
    expect(session.run?.record.log.at(-1)).toMatchObject({ type: 'act', replica: 1, by: 'bot' })
    // Seat 2 goes away and comes back before the bot's turn: the human keeps it.
    h.service.seatDisconnected(h.id, 2, 'conn-2')
    h.clock.advance(10)
    h.service.seatConnected(h.id, seats[1]!, 'conn-2b')
    h.clock.advance(TIMING.pacingMs * 2)
    expect(session.run?.live.pending()).toEqual([2, 3])
    await h.service.act(h.id, seats[1]!)
    expect(session.run?.record.log.at(-1)).toMatchObject({ type: 'act', replica: 2, by: 'human' })
  })

  it('an away human without takeover stays silent', async () => {
    const h = await make({ nodeCount: 4, ...TIMING })
    await joinSeat(h, 1)
    h.service.seatDisconnected(h.id, 1, 'conn-1')
    expect(h.service.get(h.id).playedBy(1)).toBe('nobody')
    await h.service.setBotTakeover(h.id, true)
    expect(h.service.get(h.id).playedBy(1)).toBe('bot')
  })
})

describe('views', () => {
  it('are coalesced: at most one host view per interval, and the trace deltas add up', async () => {
    const h = await make({ nodeCount: 40, pacingMs: 100, phaseTimeoutMs: 1000, phaseGapMs: 50 })
    const session = h.service.get(h.id)
    await h.service.startRound(h.id)
    h.clock.advance(2000)
    expect(session.status).toBe('finished')
    const trace = session.run?.live.trace ?? []
    expect(trace.length).toBeGreaterThan(3000)
    const views = h.sink.hostViews.filter((view) => view.round === 1)
    // ~60 bots acted at distinct times per phase; views are bounded by time, not by acts.
    expect(views.length).toBeLessThan(2000 / 80 + 10)
    const rebuilt = views.flatMap((view) => view.trace.messages)
    expect(rebuilt.map((m) => m.index)).toEqual(trace.map((m) => m.index))
    const at = views.map((view) => view.trace.from)
    expect(at).toEqual([...at].sort((a, b) => a - b))
  })

  it('go to connected seats only', async () => {
    const h = await make({ nodeCount: 4, ...TIMING })
    await joinSeat(h, 2)
    await h.service.startRound(h.id)
    h.clock.advance(1000)
    expect(new Set(h.sink.replicaViews.map((entry) => entry.nodeId))).toEqual(new Set([2]))
    const last = h.sink.viewsOf(2).at(-1)
    expect(last?.nodeId).toBe(2)
  })

  it('tell a Byzantine seat what it may choose', async () => {
    const h = await make({ nodeCount: 4, ...TIMING, faults: { 1: 'equivocate' }, allowTampering: true })
    await joinSeat(h, 1)
    await h.service.startRound(h.id)
    h.clock.advance(TIMING.pacingMs + TIMING.phaseGapMs)
    const view = h.service.replicaView(h.id, 1)
    expect(view).toMatchObject({ canAct: true, canSkip: true, action: 'prepare', isByzantine: true })
    expect(view.byzantine).toEqual({
      kind: 'equivocate',
      proposal: 'the proposal',
      conflictingValue: 'the proposal′',
      defaultValues: { 0: 'the proposal', 2: 'the proposal', 3: 'the proposal′' },
      canTamper: true,
    })
  })
})

describe('history and persistence', () => {
  it('keeps each round as seed + log, and replays its exact trace', async () => {
    const h = await make({ nodeCount: 4, ...TIMING, messageDeliveryRate: 80, viewTimeoutMs: 1000 })
    await h.service.startRound(h.id)
    // Every view a round may use (view timers 1 + 2 + 4 + 8 s), and more.
    h.clock.advance(30_000)
    expect(h.service.get(h.id).status).toBe('finished')
    const live = h.service.get(h.id).run?.live.trace
    const replayed = JSON.parse((await h.service.roundTraceJson(h.id, 1)).toString()) as { trace: unknown[] }
    expect(replayed.trace).toEqual(live)
    await expect(h.service.roundTraceJson(h.id, 7)).rejects.toThrow(/no round 7/)
  })

  it('a delivery rate changed mid-round applies to the messages sent from then on, and replays', async () => {
    const h = await make({ nodeCount: 4, ...TIMING, maxViews: 1 })
    await h.service.startRound(h.id)
    h.clock.advance(TIMING.pacingMs)
    await h.service.setDeliveryRate(h.id, 0)
    h.clock.advance(2000)
    const session = h.service.get(h.id)
    const trace = session.run?.live.trace ?? []
    // The client's REQUEST (sent as the round opened) and the PRE-PREPAREs went out at 100 %.
    expect(trace.filter((m) => m.phase === 'pre-prepare' || m.phase === 'request').every((m) => m.status === 'delivered')).toBe(true)
    expect(trace.filter((m) => m.phase !== 'pre-prepare' && m.phase !== 'request').every((m) => m.status === 'dropped')).toBe(true)
    expect(session.rounds[0]?.log.filter((entry) => entry.type === 'rate')).toEqual([{ type: 'rate', p: 0, at: TIMING.pacingMs }])
    expect((JSON.parse((await h.service.roundTraceJson(h.id, 1)).toString()) as { trace: unknown[] }).trace).toEqual(trace)
    expect(session.settings.messageDeliveryRate).toBe(0)
  })

  it('keeps the last 100 rounds', async () => {
    const h = await make({ nodeCount: 4, pacingMs: 0, phaseTimeoutMs: 1000, phaseGapMs: 0 })
    for (let i = 0; i < 103; i++) {
      await h.service.startRound(h.id)
      h.clock.advance(10)
    }
    const rounds = h.service.get(h.id).rounds
    expect(rounds).toHaveLength(100)
    expect(rounds[0]?.round).toBe(4)
  })

  it('a reset aborts the round, kept in the history as aborted', async () => {
    const h = await make({ nodeCount: 4, ...TIMING })
    await h.service.startRound(h.id)
    h.clock.advance(TIMING.pacingMs)
    expect(await h.service.resetRound(h.id)).toBe(1)
    expect(await h.service.resetRound(h.id)).toBeNull()
    const session = h.service.get(h.id)
    expect(session.status).toBe('waiting')
    expect(session.rounds[0]).toMatchObject({ round: 1, aborted: true, outcome: null })
    h.clock.advance(5000)
    expect(h.sink.outcomes).toHaveLength(0)
    expect((await h.service.startRound(h.id)).round).toBe(2)
  })

  it('restores a running round by replaying its log, then carries on', async () => {
    const store = new MemorySessionStore()
    const h = await make({ nodeCount: 4, ...TIMING }, store)
    const seats = await Promise.all([1, 2, 3].map((id) => joinSeat(h, id)))
    await h.service.startRound(h.id)
    h.clock.advance(TIMING.pacingMs + TIMING.phaseGapMs)
    await h.service.act(h.id, seats[0]!)
    const before = h.service.get(h.id).run?.live.trace
    await h.service.close()

    const clock = new FakeClock()
    const sink = new RecordingSink()
    const service = await SessionService.open({ store, clock, sink, log: QUIET_LOG })
    const session = service.get(h.id)
    expect(session.phase).toBe('prepare')
    expect(session.run?.live.trace).toEqual(before)
    expect(service.seatForToken(h.id, seats[1]!.token).nodeId).toBe(2)
    service.seatConnected(h.id, seats[1]!, 'again')
    await service.act(h.id, seats[1]!)
    await service.act(h.id, { ...seats[2]!, nodeId: 3 })
    clock.advance(TIMING.phaseGapMs)
    expect(session.phase).toBe('commit')
    await service.close()
  })

  it('skips stored sessions that do not parse, when they are first used, and reports them', async () => {
    const store = new MemorySessionStore()
    await store.saveSession('BROKEN', { v: 1, id: 'BROKEN' })
    await store.saveSession('FUTURE', { v: 9, id: 'FUTURE' })
    const warnings: string[] = []
    const service = await SessionService.open({ store, log: { ...QUIET_LOG, warn: (m) => warnings.push(m) } })
    // Nothing is read at start but the index.
    expect(service.size).toBe(0)
    expect(service.storedCount).toBe(2)
    expect(warnings).toHaveLength(0)
    expect(await service.ensure('BROKEN')).toBe(false)
    expect(await service.ensure('future')).toBe(false)
    expect(() => service.get('BROKEN')).toThrow(/no session BROKEN/)
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/skipped stored session BROKEN/)
    expect(service.problems()).toHaveLength(2)
    await service.close()
  })
})

describe('batch experiments', () => {
  it('report rates in percent with 2 decimals', async () => {
    const h = await make({ nodeCount: 4, ...TIMING, messageDeliveryRate: 90 })
    const batch = await h.service.runBatch(h.id, 2000, 7)
    expect(batch.totalRounds).toBe(2000)
    expect(batch.results).toHaveLength(2000)
    expect(batch.theoreticalSuccessRate).toBe(52.15)
    expect(batch.successCount + batch.failureCount).toBe(2000)
    expect(batch.experimentalSuccessRate).toBe(Math.round((batch.successCount / 2000) * 10000) / 100)
    expect(Math.abs(batch.experimentalSuccessRate - 52.15)).toBeLessThan(5)
    const failed = batch.results.find((r) => !r.success)
    expect(failed?.failureReason).toMatch(/^(pre-prepare|prepare|commit): N(pp|p|c)=\d+ < N-f=3$/)
  })

  it('have no theory with Byzantine replicas', async () => {
    const h = await make({ nodeCount: 4, ...TIMING, maliciousProposer: true, faultyNodes: 2 })
    const batch = await h.service.runBatch(h.id, 100, 1)
    expect(batch.theoreticalSuccessRate).toBeNull()
    // Two colluding equivocators, the primary among them, split the honest replicas every time.
    expect(batch.safetyViolations).toBe(100)
  })
})
