import { afterEach, describe, expect, it } from 'vitest'
import { serialiseSessionDocument } from '../../src/store/serialisedSession'
import { harness, joinSeat, type Harness } from '../sessions/helpers'

let open: Harness[] = []
afterEach(async () => {
  for (const h of open) await h.service.close()
  open = []
})

describe('a session serialised for saving', () => {
  it('is the same JSON as its document, with finished rounds, a running round and seats, and each round is serialised once', async () => {
    // One view a round: humans who never act end each round after its phase timeouts.
    const h = await harness({ nodeCount: 4, pacingMs: 100, phaseTimeoutMs: 1000, phaseGapMs: 20, messageDeliveryRate: 80, maxViews: 1 })
    open.push(h)
    for (let id = 0; id < 3; id++) await joinSeat(h, id)
    const session = h.service.get(h.id)
    const same = (): void => expect(JSON.parse(serialiseSessionDocument(session.document()).json)).toEqual(JSON.parse(JSON.stringify(session.document())))
    same()
    for (let round = 0; round < 3; round++) {
      await h.service.startRound(h.id)
      h.clock.advance(5000)
      same()
    }
    await h.service.startRound(h.id)
    await h.service.act(h.id, { nodeId: 0, tokenHash: session.seats[0]?.tokenHash ?? '' })
    same()
    expect(session.document().rounds).toHaveLength(3)
    expect(session.document().current).not.toBeNull()

    // The history's JSON is computed once per round: changing a stored round object afterwards
    // (which the service never does) would not show, which is how we can tell it was reused.
    const first = session.rounds[0]
    if (!first) throw new Error('no round')
    const before = JSON.parse(serialiseSessionDocument(session.document()).json) as { rounds: { round: number }[] }
    Object.assign(first, { round: 999 })
    const after = JSON.parse(serialiseSessionDocument(session.document()).json) as { rounds: { round: number }[] }
    expect(after.rounds[0]?.round).toBe(before.rounds[0]?.round)
  })

  it('keeps its seats part (and key) while the seats are unchanged, and makes a new one when a seat changes', async () => {
    const h = await harness({ nodeCount: 4, pacingMs: 100, phaseTimeoutMs: 1000, phaseGapMs: 20 })
    open.push(h)
    const session = h.service.get(h.id)
    const seatsKey = (): number => {
      const seats = serialiseSessionDocument(session.document()).parts.seats
      if (seats === undefined || Array.isArray(seats)) throw new Error('no seats part')
      return (seats as { key: number }).key
    }
    const first = seatsKey()
    expect(seatsKey()).toBe(first)
    await joinSeat(h, 1)
    const claimed = seatsKey()
    expect(claimed).not.toBe(first)
    await h.service.startRound(h.id)
    expect(seatsKey()).toBe(claimed)
  })
})
