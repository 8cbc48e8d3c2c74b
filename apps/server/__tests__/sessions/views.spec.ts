import { afterEach, describe, expect, it } from 'vitest'
import { SessionError } from '../../src/sessions/errors'
import { replay } from '../../src/sessions/roundLog'
import { SessionService } from '../../src/sessions/sessionService'
import { hostView, replicaView } from '../../src/sessions/views'
import { FakeClock } from './fakeClock'
import { harness, joinSeat, QUIET_LOG, type Harness } from './helpers'
import { RecordingSink } from './recordingSink'

/** Views on a fake clock (issue 13): the view timer, bots and the idle bot in view changes, restores. */

const CLASS = { pacingMs: 100, phaseTimeoutMs: 2000, phaseGapMs: 50, viewTimeoutMs: 1000, quorumRule: 'castro-liskov' } as const

let open: Harness[] = []
async function make(body: Parameters<typeof harness>[0], store?: Parameters<typeof harness>[1]): Promise<Harness> {
  const h = await harness(body, store)
  open.push(h)
  return h
}

afterEach(async () => {
  for (const h of open) await h.service.close()
  open = []
})

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SessionError)
  return (error as SessionError).code
}

describe('a silent primary, all bots', () => {
  it('view 0 plays its phases at once, the client waits for its timer, bots play the view change and view 1 decides', async () => {
    const h = await make({ preset: 'silent-primary', ...CLASS })
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    // Nobody knows of a request: pre-prepare, prepare and commit close after their gaps.
    h.clock.advance(3 * CLASS.phaseGapMs)
    expect(session.phase).toBe('reply')
    expect(hostView(session, 0)).toMatchObject({ view: 0, primary: 0, viewTimer: { view: 0, durationMs: 1000, expired: false } })
    h.clock.advance(1000 - 3 * CLASS.phaseGapMs)
    // The timer ran out: the client asked everyone, and every backup's VIEW-CHANGE is due.
    expect(session.phase).toBe('view-change')
    expect(session.run?.live.pending()).toEqual([1, 2, 3])
    expect(hostView(session, 0)).toMatchObject({ view: 1, primary: 1, viewTimer: { view: 0, expired: true } })
    expect(replicaView(session, 1)).toMatchObject({ role: 'primary', newPrimary: { view: 1, canSend: false, needed: 2 } })
    h.clock.advance(CLASS.pacingMs * 2 + CLASS.phaseGapMs)
    expect(session.phase).toBe('new-view')
    // View 1's clock runs twice as long, from now.
    expect(session.run?.viewClock).toMatchObject({ view: 1, durationMs: 2000 })
    h.clock.advance(10 * (CLASS.pacingMs * 2 + CLASS.phaseGapMs))
    expect(session.status).toBe('finished')
    expect(h.sink.outcomes[0]).toMatchObject({ view: 1, primary: 1, viewChanges: 1, clientAccepted: true, success: true })
    expect(session.rounds[0]).toMatchObject({ view: 1, primary: 1, viewChanges: 1, clientAccepted: true })
    // A replay from the log is the same round, message for message.
    const record = session.rounds[0]
    if (record) expect(replay(record).trace).toEqual(session.run?.live.trace)
  })

  it('a human who knows of no request has no timer: NOT_PENDING; the idle bot plays a human in the view change', async () => {
    const h = await make({ preset: 'silent-primary', ...CLASS, idleBotAfterMs: 500 })
    const ana = await joinSeat(h, 2)
    h.service.get(h.id).seat(2).name = 'Ana'
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    h.clock.advance(3 * CLASS.phaseGapMs)
    expect(session.phase).toBe('reply')
    expect(replicaView(session, 2)).toMatchObject({ canAskNewPrimary: false, timer: { running: false } })
    expect(await refusal(h.service.askNewPrimary(h.id, ana))).toBe('NOT_PENDING')
    h.clock.advance(1000 - 3 * CLASS.phaseGapMs)
    expect(session.phase).toBe('view-change')
    expect(replicaView(session, 2)).toMatchObject({ canAskNewPrimary: true, action: 'view-change', canAct: true })
    h.clock.advance(499)
    expect(session.run?.live.pending()).toEqual([2])
    h.clock.advance(1)
    expect(session.run?.standIns).toEqual([{ nodeId: 2, phase: 'view-change', reason: 'idle', name: 'Ana', at: expect.any(Number) }])
    h.clock.advance(20 * (CLASS.pacingMs * 2 + CLASS.phaseGapMs))
    expect(h.sink.outcomes[0]).toMatchObject({ view: 1, clientAccepted: true })
  })
})

describe('the host and the store', () => {
  it('a round forced into view 1 is saved, restored by replaying its log (view entry included) and carries on', async () => {
    const h = await make({ nodeCount: 4, ...CLASS, pacingMs: 400 })
    const store = h.store
    await h.service.startRound(h.id)
    expect(await h.service.nextView(h.id)).toEqual({ view: 1, phase: 'view-change' })
    h.clock.advance(CLASS.pacingMs)
    const before = h.service.get(h.id).run?.live.trace
    await h.service.close()
    open = []

    const clock = new FakeClock()
    const sink = new RecordingSink()
    const service = await SessionService.open({ store, clock, sink, log: QUIET_LOG })
    const session = service.get(h.id)
    expect([session.phase, session.run?.live.view]).toEqual(['view-change', 1])
    expect(session.run?.live.trace).toEqual(before)
    clock.advance(30_000)
    expect(session.status).toBe('finished')
    expect(session.rounds[0]).toMatchObject({ view: 1, primary: 1, viewChanges: 1, clientAccepted: true })
    expect(session.rounds[0]?.log.filter((entry) => entry.type === 'view')).toEqual([{ type: 'view', reason: 'host', at: 0 }])
    await service.close()
  })

  it('views per round and the view timer change from the next round; a crashing seat cannot skip and has no batch', async () => {
    const h = await make({ preset: 'crash-after-prepare', ...CLASS })
    const zero = await joinSeat(h, 0)
    expect(await h.service.setViews(h.id, { maxViews: 2 })).toBe('now')
    await h.service.startRound(h.id)
    expect(await h.service.setViews(h.id, { maxViews: 3, viewTimeoutMs: 500 })).toBe('next-round')
    const session = h.service.get(h.id)
    expect(session.run?.record).toMatchObject({ maxViews: 2, viewTimeoutMs: 1000 })
    expect(replicaView(session, 0)).toMatchObject({ fault: 'crash', isByzantine: false, canSkip: false, recipients: [1, 2] })
    expect(await refusal(h.service.skip(h.id, zero))).toBe('NOT_BYZANTINE')
    expect(await h.service.act(h.id, zero)).toBe(2)
    expect(await refusal(h.service.runBatch(h.id, 10))).toBe('VALIDATION')
  })
})
