import { CreateSessionBody, type RoundLogEntry } from '@pbft/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { SessionError } from '../../src/sessions/errors'
import { replay } from '../../src/sessions/roundLog'
import { botDelayMs } from '../../src/sessions/sessionConfig'
import { SessionService } from '../../src/sessions/sessionService'
import { hostView, replicaView } from '../../src/sessions/views'
import { MemorySessionStore } from '../../src/store/memorySessionStore'
import { harness, joinSeat, QUIET_LOG, type Harness } from './helpers'

/** A classroom's timing: the host form's 10 s idle bot inside 30 s phases. */
const CLASS = { pacingMs: 800, phaseTimeoutMs: 30_000, phaseGapMs: 400 }
const IDLE_MS = 10_000

let open: Harness[] = []
async function make(body: Parameters<typeof harness>[0]): Promise<Harness> {
  const h = await harness(body)
  open.push(h)
  return h
}

afterEach(async () => {
  for (const h of open) await h.service.close()
  open = []
})

/** The bots' moves for humans in a round's log. */
function standIns(log: readonly RoundLogEntry[]): { replica: number; reason: string; name: string | null }[] {
  return log.flatMap((entry) => (entry.type === 'act' && entry.standIn ? [{ replica: entry.replica, ...entry.standIn }] : []))
}

describe('the idle bot', () => {
  it('plays the move of a student whose phone is online but who does not act, X s after the phase opened, and everyone is told', async () => {
    const h = await make({ nodeCount: 4, ...CLASS, idleBotAfterMs: IDLE_MS })
    const ana = await joinSeat(h, 1)
    h.service.get(h.id).seat(1).name = 'Ana'
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    // Pre-prepare: the bot primary proposes; then the prepare phase opens and Ana's turn comes.
    h.clock.advance(botDelayMs(CLASS, 0) + CLASS.phaseGapMs)
    expect(session.phase).toBe('prepare')
    const opened = h.clock.now()
    h.clock.advance(IDLE_MS - 1)
    expect(session.run?.live.pending()).toEqual([1])
    expect(standIns(session.run?.record.log ?? [])).toEqual([])
    h.clock.advance(1)
    expect(session.run?.live.pending()).toEqual([])
    expect(standIns(session.run?.record.log ?? [])).toEqual([{ replica: 1, reason: 'idle', name: 'Ana' }])
    // The projector says a bot played for Ana, and so does Ana's phone.
    h.service.flushViews(h.id)
    const shown = { nodeId: 1, phase: 'prepare', reason: 'idle', name: 'Ana', at: opened + IDLE_MS - (session.run?.record.startedAt ?? 0) }
    expect(hostView(session, 0).standIns).toEqual([shown])
    expect(h.sink.hostViews.at(-1)?.standIns).toEqual([shown])
    expect(replicaView(session, ana.nodeId).standIns).toEqual([shown])
    expect(replicaView(session, 2).standIns).toEqual([])
    // Commit: the same again, then the round decides with the bot's help.
    h.clock.advance(CLASS.phaseGapMs + IDLE_MS + CLASS.phaseGapMs)
    expect(session.status).toBe('finished')
    expect(h.sink.outcomes[0]).toMatchObject({ success: true, outcome: 'success' })
    const record = session.rounds[0]
    expect(standIns(record?.log ?? []).map((entry) => entry.reason)).toEqual(['idle', 'idle'])
    // A replay from the log plays the bot's moves exactly as they were played.
    if (record) expect(replay(record).trace).toEqual(session.run?.live.trace)
  })

  it('plays for an away phone too, at the same deadline, when bot takeover is off', async () => {
    const h = await make({ nodeCount: 4, ...CLASS, idleBotAfterMs: IDLE_MS })
    await joinSeat(h, 2)
    h.service.seatDisconnected(h.id, 2, 'conn-2')
    const session = h.service.get(h.id)
    expect(session.playedBy(2)).toBe('nobody')
    await h.service.startRound(h.id)
    h.clock.advance(botDelayMs(CLASS, 0) + CLASS.phaseGapMs + IDLE_MS - 1)
    expect(session.run?.live.pending()).toEqual([2])
    h.clock.advance(1)
    expect(standIns(session.run?.record.log ?? [])).toEqual([{ replica: 2, reason: 'idle', name: null }])
  })

  it('leaves a student who acts in time alone', async () => {
    const h = await make({ nodeCount: 4, ...CLASS, idleBotAfterMs: IDLE_MS })
    const seat = await joinSeat(h, 3)
    await h.service.startRound(h.id)
    h.clock.advance(botDelayMs(CLASS, 0) + CLASS.phaseGapMs + IDLE_MS - 5)
    await h.service.act(h.id, seat)
    h.clock.advance(10 * IDLE_MS)
    const session = h.service.get(h.id)
    const acts = session.run?.record.log.filter((entry) => entry.type === 'act' && entry.replica === 3)
    expect(acts?.[0]).toMatchObject({ by: 'human' })
    expect(acts?.[0]).not.toHaveProperty('standIn')
    // Commit: this time the student did not act, and the bot stood in.
    expect(standIns(session.rounds[0]?.log ?? [])).toEqual([{ replica: 3, reason: 'idle', name: null }])
  })

  it('is off by default: a silent student stalls the phase until it times out', async () => {
    const h = await make({ nodeCount: 4, ...CLASS })
    await joinSeat(h, 1)
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    h.clock.advance(botDelayMs(CLASS, 0) + CLASS.phaseGapMs + CLASS.phaseTimeoutMs - 1)
    expect(session.run?.live.pending()).toEqual([1])
    h.clock.advance(1)
    expect(session.phase).toBe('commit')
    expect(standIns(session.run?.record.log ?? [])).toEqual([])
  })

  it('tells apart a bot that takes over an away seat (bot takeover) from the idle bot', async () => {
    const h = await make({ nodeCount: 4, ...CLASS, botTakeover: true, idleBotAfterMs: IDLE_MS })
    await joinSeat(h, 1)
    h.service.get(h.id).seat(1).name = 'Bo'
    h.service.seatDisconnected(h.id, 1, 'conn-1')
    await h.service.startRound(h.id)
    h.clock.advance(3 * (botDelayMs(CLASS, 15) + CLASS.phaseGapMs))
    const session = h.service.get(h.id)
    expect(session.status).toBe('finished')
    expect(standIns(session.rounds[0]?.log ?? [])).toEqual([
      { replica: 1, reason: 'away', name: 'Bo' },
      { replica: 1, reason: 'away', name: 'Bo' },
    ])
  })

  it('can be turned on by the host in the middle of a phase: a student idle for longer already gets a bot', async () => {
    const h = await make({ nodeCount: 4, ...CLASS })
    await joinSeat(h, 1)
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    h.clock.advance(botDelayMs(CLASS, 0) + CLASS.phaseGapMs + 15_000)
    expect(session.run?.live.pending()).toEqual([1])
    await h.service.setIdleBot(h.id, IDLE_MS)
    expect(session.settings.idleBotAfterMs).toBe(IDLE_MS)
    h.clock.advance(0)
    expect(standIns(session.run?.record.log ?? [])).toEqual([{ replica: 1, reason: 'idle', name: null }])
    // And off again: the commit phase waits for the student until its timeout.
    await h.service.setIdleBot(h.id, null)
    h.clock.advance(CLASS.phaseGapMs + CLASS.phaseTimeoutMs - 1)
    expect(session.run?.live.pending()).toEqual([1])
    expect(h.sink.infos.at(-1)?.config.idleBotAfterMs).toBeNull()
  })

  it('is refused at or beyond the phase timeout, at creation and live', async () => {
    const service = await SessionService.open({ store: new MemorySessionStore(), log: QUIET_LOG })
    const refused = await service.create(CreateSessionBody.parse({ nodeCount: 4, ...CLASS, idleBotAfterMs: 30_000 })).then(
      () => null,
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(SessionError)
    expect((refused as SessionError).code).toBe('VALIDATION')
    expect((refused as SessionError).message).toMatch(/idleBotAfterMs \(30000 ms\) must be below phaseTimeoutMs \(30000 ms\)/)
    const { session } = await service.create(CreateSessionBody.parse({ nodeCount: 4, ...CLASS }))
    await expect(service.setIdleBot(session.id, 40_000)).rejects.toMatchObject({ code: 'VALIDATION' })
    expect(session.settings.idleBotAfterMs).toBeNull()
    await service.close()
  })
})
