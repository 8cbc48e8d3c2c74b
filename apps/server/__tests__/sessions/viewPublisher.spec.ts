import { mergeReplicaView, type ReplicaView } from '@pbft/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { ViewPublisher } from '../../src/sessions/viewPublisher'
import { harness, joinSeat, type Harness } from './helpers'
import { RecordingSink } from './recordingSink'

const TIMING = { pacingMs: 100, phaseTimeoutMs: 1000, phaseGapMs: 50 }

let open: Harness[] = []
afterEach(async () => {
  for (const h of open) await h.service.close()
  open = []
})

/** A session from `body` with every seat claimed and online; closed after the test. */
async function seated(body: Parameters<typeof harness>[0]): Promise<Harness> {
  const h = await harness(body)
  open.push(h)
  for (let id = 0; id < (body.nodeCount ?? 0); id++) await joinSeat(h, id)
  return h
}

/**
 * Plays the running round to its end, every seat acting as soon as it may; a view whose client
 * got no result waits for its view timer, then the next view is played the same way.
 */
async function playRound(h: Harness): Promise<void> {
  await h.service.startRound(h.id)
  const session = h.service.get(h.id)
  for (let guard = 0; guard < 60 && session.running; guard++) {
    for (const id of session.run?.live.pending() ?? []) {
      await h.service.act(h.id, { nodeId: id, tokenHash: session.seats[id]?.tokenHash ?? '' })
      h.clock.advance(1)
    }
    h.clock.advance(TIMING.phaseGapMs)
    const clock = session.run?.viewClock
    if (session.phase === 'reply' && clock) h.clock.advance(Math.max(0, clock.deadline - h.clock.now()))
  }
  expect(session.running).toBe(false)
}

describe('phone views as deltas', () => {
  it('merge, view after view, into exactly the whole view, while sending far fewer messages', async () => {
    const h = await seated({ nodeCount: 7, ...TIMING, messageDeliveryRate: 70, faults: { 6: 'tamper' } })
    for (let round = 0; round < 2; round++) await playRound(h)
    h.clock.advance(1000)

    for (let id = 0; id < 7; id++) {
      const views = h.sink.viewsOf(id)
      let merged: ReplicaView | null = null
      let carried = 0
      for (const view of views) {
        merged = mergeReplicaView(merged, view)
        expect(merged, `seat ${id}: a delta from ${view.receivedFrom} that does not fit`).not.toBeNull()
        carried += view.received.length + view.sent.length
      }
      const whole = h.service.replicaView(h.id, id)
      expect(merged?.round).toBe(2)
      expect(merged?.received).toEqual(whole.received)
      expect(merged?.sent).toEqual(whole.sent)
      expect(merged).toMatchObject({ receivedFrom: 0, sentFrom: 0 })
      // Whole views would resend every list each time; deltas carry each message about once a round.
      const asWholeViews = views.reduce((sum, view) => sum + view.receivedFrom + view.received.length + view.sentFrom + view.sent.length, 0)
      expect(views.some((view) => view.receivedFrom > 0)).toBe(true)
      expect(carried).toBeLessThan(asWholeViews)
    }
  })

  it('start again from the first message in a new round', async () => {
    const h = await seated({ nodeCount: 4, ...TIMING })
    await playRound(h)
    h.clock.advance(1000)
    const before = h.sink.viewsOf(1).length
    await h.service.startRound(h.id)
    h.clock.advance(1000)
    const firstOfRound2 = h.sink.viewsOf(1).slice(before).find((view) => view.round === 2)
    expect(firstOfRound2).toMatchObject({ receivedFrom: 0, sentFrom: 0 })
  })

  it('a phone that reconnects gets its whole view, and later deltas fit onto it', async () => {
    const h = await seated({ nodeCount: 4, ...TIMING })
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    await h.service.act(h.id, { nodeId: 0, tokenHash: session.seats[0]?.tokenHash ?? '' })
    h.clock.advance(TIMING.phaseGapMs + 200)
    // Reconnecting: the gateway sends the whole view first (from 0), then the publisher's deltas.
    let merged: ReplicaView | null = h.service.replicaView(h.id, 2)
    expect(merged.received.length).toBeGreaterThan(0)
    const already = h.sink.viewsOf(2).length
    for (const id of session.run?.live.pending() ?? []) await h.service.act(h.id, { nodeId: id, tokenHash: session.seats[id]?.tokenHash ?? '' })
    h.clock.advance(1000)
    for (const view of h.sink.viewsOf(2).slice(already)) merged = mergeReplicaView(merged, view)
    expect(merged?.received).toEqual(h.service.replicaView(h.id, 2).received)
  })
})

describe('a flush in a big session', () => {
  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
  /** A seated session and a publisher of its views that yields after every emit (above 16 replicas). */
  async function publishing(nodeCount: number): Promise<{ h: Harness; sink: RecordingSink; publisher: ViewPublisher }> {
    const h = await seated({ nodeCount, ...TIMING })
    const sink = new RecordingSink()
    const publisher = new ViewPublisher(h.clock, () => 80, sink, (id) => h.service.get(id), undefined, { syncUpToNodes: 16, budgetMs: 0 })
    return { h, sink, publisher }
  }
  /** How many infos, host views and phone views went out. */
  const emitted = (sink: RecordingSink): number[] => [sink.infos.length, sink.hostViews.length, sink.replicaViews.length]

  it('yields to the event loop between slices (here one emit each): the info, the host view, then the phones, each as fresh as when sent', async () => {
    const { h, sink, publisher } = await publishing(40)
    publisher.all(h.id)
    publisher.flush(h.id)
    expect(emitted(sink)).toEqual([1, 0, 0])
    await turn()
    expect(emitted(sink)).toEqual([1, 1, 0])
    await turn()
    expect(sink.replicaViews).toHaveLength(1)
    await turn()
    expect(sink.replicaViews).toHaveLength(2)
    for (let slice = 0; slice < 40; slice++) await turn()
    expect(sink.replicaViews.map((entry) => entry.nodeId)).toEqual(Array.from({ length: 40 }, (_, id) => id))
    publisher.close()
  })

  it('sends a small session at once, whatever the budget', async () => {
    const { h, sink, publisher } = await publishing(16)
    publisher.all(h.id)
    publisher.flush(h.id)
    expect(emitted(sink)).toEqual([1, 1, 16])
    publisher.close()
  })

  it('stops sending when the session is forgotten mid-flush', async () => {
    const { h, sink, publisher } = await publishing(40)
    publisher.all(h.id)
    publisher.flush(h.id)
    publisher.forget(h.id)
    for (let slice = 0; slice < 5; slice++) await turn()
    expect(emitted(sink)).toEqual([1, 0, 0])
  })
})

describe('a phase opening', () => {
  it('reaches every phone at once, without waiting for the coalescing interval', async () => {
    const h = await seated({ nodeCount: 4, pacingMs: 100, phaseTimeoutMs: 1000, phaseGapMs: 20 })
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    await h.service.act(h.id, { nodeId: 0, tokenHash: session.seats[0]?.tokenHash ?? '' })
    // The act's views wait for the interval (80 ms after the round's first flush); the phase
    // gap ends first, at 20 ms.
    h.clock.advance(20)
    expect(session.run?.live.phase).toBe('prepare')
    for (let id = 1; id < 4; id++) expect(h.sink.viewsOf(id).at(-1)).toMatchObject({ phase: 'prepare', canAct: true })
  })
})

describe('the view of a phase that just opened', () => {
  it('carries that phase’s deadline, not the previous one’s', async () => {
    const h = await seated({ nodeCount: 4, pacingMs: 100, phaseTimeoutMs: 1000, phaseGapMs: 20 })
    await h.service.startRound(h.id)
    const session = h.service.get(h.id)
    h.clock.advance(300)
    await h.service.act(h.id, { nodeId: 0, tokenHash: session.seats[0]?.tokenHash ?? '' })
    h.clock.advance(20)
    const opened = h.clock.now()
    const view = h.sink.viewsOf(1).find((v) => v.phase === 'prepare')
    expect(view?.phaseDeadline).toBe(opened + 1000)
  })
})

describe('a round starting', () => {
  it('reaches every phone at once, even right after other views', async () => {
    const h = await seated({ nodeCount: 4, pacingMs: 100, phaseTimeoutMs: 1000, phaseGapMs: 20 })
    h.clock.advance(1000)
    await h.service.startRound(h.id)
    expect(h.sink.viewsOf(0).at(-1)).toMatchObject({ round: 1, phase: 'pre-prepare', canAct: true })
    for (let id = 1; id < 4; id++) expect(h.sink.viewsOf(id).at(-1)).toMatchObject({ round: 1, phase: 'pre-prepare' })
  })
})
