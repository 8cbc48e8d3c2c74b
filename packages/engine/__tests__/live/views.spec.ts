import { describe, expect, it } from 'vitest'
import { ConfigError, type RoundConfig } from '../../src/config'
import { LiveRound, LiveRoundError, type LiveRoundErrorCode, type RoundResult, type TracedMessage } from '../../src/live/liveRound'
import { runRound } from '../../src/round/runRound'

/**
 * Views and the client in live rounds (issue 13): the scenarios the live server tests play
 * with sockets, here on the engine alone, plus the host's and the humans' hooks.
 */

/** Bots for everyone pending (ascending, again for those who joined), until the phase is over; then it closes. */
function finishPhase(live: LiveRound): void {
  for (let pending = live.pending(); pending.length > 0; pending = live.pending()) for (const id of pending) live.act(id)
  live.closePhase()
}

function playToEnd(live: LiveRound): RoundResult {
  while (live.phase !== 'done') finishPhase(live)
  return live.result()
}

function expectCode(code: LiveRoundErrorCode, action: () => unknown): void {
  try {
    action()
  } catch (error) {
    expect(error).toBeInstanceOf(LiveRoundError)
    expect((error as LiveRoundError).code).toBe(code)
    return
  }
  expect.unreachable(`expected LiveRoundError ${code}`)
}

const ofType = (result: RoundResult, phase: TracedMessage['phase'], view?: number): TracedMessage[] =>
  (result.trace ?? []).filter((m) => m.phase === phase && (view === undefined || m.view === view))

/** A link matrix with every link up except those listed as [from, to]. */
function linksWithout(nodes: number, down: [number, number][]): number[][] {
  return Array.from({ length: nodes }, (_, from) => Array.from({ length: nodes }, (_, to) => (down.some(([a, b]) => a === from && b === to) ? 0 : 1)))
}

describe('a silent primary is replaced', () => {
  it('N = 4, replica 0 silent, p = 1 (castro-liskov): decides in view 1 with primary 1, and the client accepts', () => {
    const result = runRound({ nodes: 4, p: 1, faults: { 0: 'silent' }, quorumRule: 'castro-liskov' }, { seed: 1, maxViews: 4 })
    expect(result).toMatchObject({
      outcome: 'success',
      decidedValue: 'v',
      view: 1,
      primary: 1,
      viewChanges: 1,
      replacedPrimaries: [0],
      clientAccepted: true,
      clientValue: 'v',
      maxViews: 4,
    })
    // The client asked primary 0, got nothing, asked everyone; the backups changed view.
    expect(ofType(result, 'request').map((m) => [m.view, m.to])).toEqual([[0, 0], [1, 0], [1, 1], [1, 2], [1, 3]])
    expect(new Set(ofType(result, 'view-change', 1).map((m) => m.from))).toEqual(new Set([1, 2, 3]))
    const newView = ofType(result, 'new-view', 1)
    expect(newView.map((m) => [m.from, m.to, m.value, m.counted])).toEqual([
      [1, 0, 'v', false],
      [1, 2, 'v', true],
      [1, 3, 'v', true],
    ])
    expect(newView[1]?.summary).toMatch(/re-proposes the client's request v/)
    // f + 1 = 2 matching REPLYs of view 1 reached the client.
    expect(ofType(result, 'reply', 1).filter((m) => m.counted).length).toBeGreaterThanOrEqual(2)
    expect(result.client).toMatchObject({ accepted: true, acceptedValue: 'v', needed: 2, requestsSent: 2 })
    for (const id of [1, 2, 3]) expect(result.replicas[id]).toMatchObject({ view: 1, decidedValue: 'v', timerRunning: false })
  })

  it('the original rule changes view too, but at N = 3f + 1 it never decides with f silent replicas', () => {
    const result = runRound({ nodes: 4, p: 1, faults: { 0: 'silent' } }, { seed: 1, maxViews: 4 })
    expect(result).toMatchObject({ outcome: 'no-decision', view: 3, viewChanges: 3, clientAccepted: false, replacedPrimaries: [0, 1, 2] })
    // Every honest backup accepted every NEW-VIEW: the view changes work, the normal case lacks a PREPARE.
    expect(ofType(result, 'new-view').filter((m) => m.to !== 0 && m.counted).length).toBe(3 * 2)
  })

  it('N = 7 with replicas 0 and 1 silent: decides in view 2, primary 2', () => {
    const result = runRound({ nodes: 7, p: 1, faults: { 0: 'silent', 1: 'silent' }, quorumRule: 'castro-liskov' }, { seed: 3, maxViews: 4 })
    expect(result).toMatchObject({ outcome: 'success', decidedValue: 'v', view: 2, primary: 2, viewChanges: 2, replacedPrimaries: [0, 1], clientAccepted: true })
    // Nobody sent a NEW-VIEW for view 1: its primary is silent.
    expect(ofType(result, 'new-view', 1)).toEqual([])
    expect(ofType(result, 'new-view', 2).filter((m) => m.counted).map((m) => m.to)).toEqual([3, 4, 5, 6])
  })

  it('runs out of views: the round ends undecided in the last view allowed', () => {
    const result = runRound({ nodes: 7, p: 1, faults: { 0: 'silent', 1: 'silent' }, quorumRule: 'castro-liskov' }, { seed: 3, maxViews: 2 })
    expect(result).toMatchObject({ outcome: 'no-decision', view: 1, primary: 1, clientAccepted: false, replacedPrimaries: [0] })
  })
})

describe('a value prepared in view 0 survives into view 1', () => {
  it('the primary crashes after f + 1 honest replicas prepared: view 1 decides the value they prepared', () => {
    // Replica 3 never hears primary 0; 0 pre-prepares to 1 and 2, who prepare, then crashes.
    const config: RoundConfig = { nodes: 4, links: linksWithout(4, [[0, 3]]), quorumRule: 'castro-liskov', proposal: 'block-7' }
    const live = new LiveRound({ config, seed: 5, maxViews: 3 })
    finishPhase(live) // request
    expect(live.phase).toBe('pre-prepare')
    live.act(0)
    live.crash(0)
    live.closePhase()
    while (live.view === 0 && live.phase !== 'done') finishPhase(live)
    expect(live.snapshot(1).preparedCertificate).toEqual({ view: 0, value: 'block-7', prepares: [1, 2] })
    expect(live.snapshot(2).preparedCertificate).toEqual({ view: 0, value: 'block-7', prepares: [1, 2] })
    expect(live.snapshot(3).preparedCertificate).toBeNull()
    expect([1, 2, 3].map((id) => live.snapshot(id).decidedValue)).toEqual([null, null, null])
    const result = playToEnd(live)
    expect(result).toMatchObject({ decidedValue: 'block-7', view: 1, primary: 1, clientAccepted: true, clientValue: 'block-7' })
    const certificates = ofType(result, 'view-change', 1).filter((m) => m.to === 1).map((m) => [m.from, m.viewChange?.certificate?.view ?? null])
    expect(certificates).toEqual([[2, 0], [3, null]])
    expect(ofType(result, 'new-view', 1)[0]?.summary).toMatch(/re-proposes block-7 \(prepared in view 0, certificate of 1\)/)
    // The crashed replica took nothing in.
    expect(ofType(result, 'new-view', 1).find((m) => m.to === 0)?.ignoredReason).toBe('crashed')
  })

  it('even a value the client never asked for: a lying primary got f + 1 honest replicas to prepare v′, then went quiet', () => {
    const config: RoundConfig = { nodes: 4, links: linksWithout(4, [[0, 3]]), faults: { 0: 'wrong-value' }, quorumRule: 'castro-liskov' }
    const live = new LiveRound({ config, seed: 2, maxViews: 3 })
    finishPhase(live) // request
    live.act(0) // PRE-PREPARE v′ to 1 and 2 (3 never gets it)
    live.closePhase()
    while (live.phase !== 'done') {
      for (const id of live.pending()) if (id === 0) live.skip(0)
      finishPhase(live)
    }
    const result = live.result()
    const carried = ofType(result, 'view-change', 1).filter((m) => m.to === 1).map((m) => [m.from, m.viewChange?.certificate ?? null])
    expect(carried).toEqual([
      [2, { view: 0, value: 'v′', prepares: [1, 2] }],
      [3, null],
    ])
    expect(result).toMatchObject({ decidedValue: 'v′', view: 1, clientValue: 'v′', outcome: 'success' })
  })
})

describe('a crashing primary (the crash-after-prepare lesson)', () => {
  it('sends its PRE-PREPARE to the f + 1 backups after it and stops; view 1 decides the value they prepared', () => {
    const config: RoundConfig = { nodes: 4, p: 1, quorumRule: 'castro-liskov', proposal: 'block-7' }
    const live = new LiveRound({ config, seed: 5, maxViews: 3, crashing: [0] })
    finishPhase(live) // request
    expect(live.recipients(0)).toEqual([1, 2])
    expect(live.act(0).map((m) => [m.phase, m.to])).toEqual([['pre-prepare', 1], ['pre-prepare', 2]])
    live.closePhase()
    while (live.view === 0 && live.phase !== 'done') finishPhase(live)
    expect(live.snapshot(1).preparedCertificate).toEqual({ view: 0, value: 'block-7', prepares: [1, 2] })
    expect(live.snapshot(3).preparedCertificate).toBeNull()
    // The new primary's re-proposal, as its phone shows it while it collects VIEW-CHANGEs.
    finishPhase(live) // view-change
    expect(live.phase).toBe('new-view')
    expect(live.reProposalOf(1)).toEqual({ value: 'block-7', certificateView: 0, certificateFrom: 1 })
    const result = playToEnd(live)
    expect(result).toMatchObject({ decidedValue: 'block-7', view: 1, primary: 1, clientAccepted: true, outcome: 'success' })
    // It crashed: it sent nothing more and took nothing in.
    expect((result.trace ?? []).filter((m) => m.from === 0 && m.phase !== 'pre-prepare')).toEqual([])
    expect(ofType(result, 'new-view', 1).find((m) => m.to === 0)?.ignoredReason).toBe('crashed')
  })

  it('is honest until it is a primary: as a backup it prepares and commits', () => {
    const result = runRound({ nodes: 4, p: 1, quorumRule: 'castro-liskov' }, { seed: 1, maxViews: 2 })
    const live = new LiveRound({ config: { nodes: 4, p: 1, quorumRule: 'castro-liskov' }, seed: 1, maxViews: 2, crashing: [2] })
    expect(playToEnd(live).trace).toEqual(result.trace)
  })

  it('refuses a crashing replica that does not exist', () => {
    expect(() => new LiveRound({ config: { nodes: 4 }, seed: 1, maxViews: 2, crashing: [4] })).toThrow(LiveRoundError)
  })
})

describe('a Byzantine new primary proposing another value', () => {
  it('is refused by every honest backup, visibly, and the round moves on to the next view', () => {
    const result = runRound({ nodes: 7, p: 1, faults: { 0: 'silent', 1: 'wrong-value' }, quorumRule: 'castro-liskov' }, { seed: 4, maxViews: 4 })
    const refused = ofType(result, 'new-view', 1).filter((m) => m.to >= 2)
    expect(refused.map((m) => [m.to, m.value, m.counted, m.ignoredReason])).toEqual(
      [2, 3, 4, 5, 6].map((to) => [to, 'v′', false, 'wrong-re-proposal']),
    )
    expect(refused[0]?.detail).toBe('its set V re-proposes v, not v′')
    // What a phone shows: replica 2 (the next primary) still has the refusal, replica 3 the NEW-VIEW of view 2.
    expect(result.replicas[2]?.newView).toEqual({ view: 1, from: 1, value: 'v′', accepted: false, reason: 'wrong-re-proposal', detail: 'its set V re-proposes v, not v′' })
    expect(result.replicas[3]?.newView).toMatchObject({ view: 2, from: 2, accepted: true, reason: null })
    expect(result).toMatchObject({ decidedValue: 'v', view: 2, primary: 2, clientAccepted: true })
  })

  it('a human Byzantine new primary: another value is refused as a wrong re-proposal, a set V too small as invalid', () => {
    const config: RoundConfig = { nodes: 4, p: 1, faults: { 1: 'equivocate' }, quorumRule: 'castro-liskov' }
    const toViewOne = (): LiveRound => {
      const live = new LiveRound({ config, seed: 1, maxViews: 3 })
      finishPhase(live) // request
      expect(live.forceViewChange()).toBe('view-change')
      expect([live.view, live.primary, live.timeoutFactor]).toEqual([1, 1, 2])
      finishPhase(live)
      expect(live.pending()).toEqual([1])
      return live
    }
    const lying = toViewOne().act(1, { value: 'x' })
    expect(lying.map((m) => [m.to, m.value, m.ignoredReason, m.detail])).toEqual(
      [0, 2, 3].map((to) => [to, 'x', 'wrong-re-proposal', 'its set V re-proposes v, not x']),
    )
    // V of its own VIEW-CHANGE and replica 0's: one from others, castro-liskov needs Q - 1 = 2.
    const short = toViewOne().act(1, { value: 'v', viewChanges: [0] })
    expect(short.map((m) => [m.to, m.ignoredReason, m.detail])).toEqual(
      [0, 2, 3].map((to) => [to, 'invalid-new-view', 'V holds 1 VIEW-CHANGEs from others, 2 needed']),
    )
    // The set it may choose is a quorum of VIEW-CHANGEs it holds, and then the value must be V's.
    const chosen = toViewOne().act(1, { viewChangesFor: { 2: [0, 3] }, values: { 0: 'v', 2: 'v', 3: 'v' } })
    expect(chosen.every((m) => m.counted)).toBe(true)
    expect(chosen[1]?.newView?.viewChanges.map((entry) => entry.from)).toEqual([0, 1, 3])
  })
})

describe('the host forces the next view', () => {
  it('ends the view now: every timer expires, the next view change opens; with no view left the round ends', () => {
    const live = new LiveRound({ config: { nodes: 4, p: 1, quorumRule: 'castro-liskov' }, seed: 1, maxViews: 2 })
    finishPhase(live) // request
    finishPhase(live) // pre-prepare
    expect(live.phase).toBe('prepare')
    expect(live.forceViewChange()).toBe('view-change')
    expect(live.view).toBe(1)
    // Everyone knew of the request and nobody had decided: all time out.
    expect(live.pending()).toEqual([0, 1, 2, 3])
    for (const id of [0, 1, 2, 3]) expect(live.snapshot(id).timerRunning).toBe(true)
    expect(live.forceViewChange()).toBe('done')
    expectCode('round-over', () => live.forceViewChange())
    expect(live.result()).toMatchObject({ view: 1, outcome: 'no-decision', clientAccepted: false })
  })

  it('in the classic round (no views) it ends the round', () => {
    const live = new LiveRound({ config: { nodes: 4, p: 1 }, seed: 1 })
    expect(live.forceViewChange()).toBe('done')
    expect(live.result()).toMatchObject({ view: 0, maxViews: 1, clientAccepted: false, client: null })
  })
})

describe('joining a view change on f + 1 VIEW-CHANGEs', () => {
  it('decided replicas join when f + 1 others time out, and pending() grows', () => {
    // Original rule, N = 7: COMMITs of 0..3 make 4, 5, 6 decide, not 0..3 themselves.
    const live = new LiveRound({ config: { nodes: 7, p: 1 }, seed: 1, maxViews: 2 })
    finishPhase(live) // request
    finishPhase(live) // pre-prepare
    finishPhase(live) // prepare
    for (const id of [0, 1, 2, 3]) live.act(id)
    live.closePhase()
    expect([0, 1, 2, 3, 4, 5, 6].map((id) => live.snapshot(id).decidedValue)).toEqual([null, null, null, null, 'v', 'v', 'v'])
    expect(live.pending()).toEqual([4, 5, 6])
    live.act(4)
    live.skip(5)
    live.skip(6)
    live.closePhase() // one REPLY: the client has no result
    expect(live.phase).toBe('view-change')
    expect(live.pending()).toEqual([0, 1, 2, 3])
    for (const id of [0, 1, 2]) live.act(id)
    expect(live.pending()).toEqual([3, 4, 5, 6])
    expect(live.snapshot(5).viewChange).toMatchObject({ view: 1, senders: [0, 1, 2], sent: false, joinNeeded: 3, newViewNeeded: 4 })
    const result = playToEnd(live)
    expect(result).toMatchObject({ decidedValue: 'v', view: 1, clientAccepted: true })
    expect(ofType(result, 'view-change', 1).filter((m) => m.from === 5 && m.viewChange?.certificate?.view === 0).length).toBe(6)
  })
})

describe('the client', () => {
  it('is a participant with id N: pending in view 0, sends its REQUEST to the primary without a draw, honest only', () => {
    const live = new LiveRound({ config: { nodes: 4, p: 0.5 }, seed: 9, maxViews: 2 })
    expect(live.clientId).toBe(4)
    expect(live.phase).toBe('request')
    expect(live.pending()).toEqual([4])
    expect(live.recipients(4)).toEqual([0])
    expectCode('not-byzantine', () => live.act(4, { value: 'x' }))
    const [request] = live.act(4)
    expect(request).toMatchObject({ phase: 'request', from: 4, to: 0, view: 0, value: 'v', status: 'delivered', counted: true })
    expect(live.snapshot(0)).toMatchObject({ acceptedValue: 'v', knowsRequest: true, timerRunning: true })
    expect(live.clientSnapshot()).toMatchObject({ id: 4, request: 'v', requestsSent: 1, accepted: false, needed: 2 })
    expectCode('not-pending', () => live.act(4))
  })

  it('a client that never sends: nothing happens in view 0, its re-broadcast starts view 1', () => {
    const live = new LiveRound({ config: { nodes: 4, p: 1, quorumRule: 'castro-liskov' }, seed: 1, maxViews: 2 })
    live.closePhase() // the client stays silent
    const result = playToEnd(live)
    expect(ofType(result, 'pre-prepare')).toEqual([])
    expect(result).toMatchObject({ decidedValue: 'v', view: 1, primary: 1, clientAccepted: true })
  })

  it('accepts on f + 1 matching REPLYs, re-asks when they are lost, and committed replicas reply again', () => {
    const live = new LiveRound({ config: { nodes: 4, p: 1, clientP: 0 }, seed: 1, maxViews: 2 })
    const result = playToEnd(live)
    // Everybody decided in view 0, every REPLY and the re-broadcast were lost.
    expect(result).toMatchObject({ outcome: 'success', clientAccepted: false, view: 1, viewChanges: 0 })
    expect(result.clientMessages).toEqual({ sent: 1 + 4 + 4, delivered: 1, dropped: 8, rejected: 0 })
    const lucky = new LiveRound({ config: { nodes: 4, p: 1, clientP: 0 }, seed: 1, maxViews: 2 })
    while (lucky.phase !== 'reply') finishPhase(lucky)
    lucky.setDeliveryProbability(1)
    lucky.skip(0)
    for (const id of lucky.pending()) lucky.act(id)
    expect(lucky.clientSnapshot()).toMatchObject({ accepted: true, acceptedValue: 'v', replies: [{ value: 'v', from: [1, 2, 3] }] })
  })
})

describe('randomness: view 0 never changes', () => {
  it('a round that ends in view 0 is the same whatever the number of views allowed', () => {
    for (let seed = 0; seed < 40; seed++) {
      const config: RoundConfig = { nodes: 7, p: 0.93, quorumRule: 'castro-liskov' }
      const one = runRound(config, { seed, maxViews: 1 })
      const many = runRound(config, { seed, maxViews: 5 })
      if (!one.clientAccepted) continue
      expect({ ...many, maxViews: 1 }).toEqual(one)
    }
  })

  it('a round with views plays view 0 message for message like the classic round', () => {
    for (let seed = 0; seed < 20; seed++) {
      const config: RoundConfig = { nodes: 5, p: 0.8, faults: { 4: 'equivocate' } }
      const classic = (runRound(config, { seed }).trace ?? []).map(({ index: _index, ...m }) => m)
      const views = (runRound(config, { seed, maxViews: 3 }).trace ?? [])
        .filter((m) => m.view === 0 && m.phase !== 'request' && m.phase !== 'reply')
        .map(({ index: _index, signature: _signature, ...m }) => m)
      expect(views).toEqual(classic)
    }
  })
})

describe('configuration', () => {
  it('refuses a bad number of views, and a round with views that does not start in view 0', () => {
    for (const maxViews of [0, 1.5, -1, 101, Number.NaN]) {
      expect(() => new LiveRound({ config: { nodes: 4 }, seed: 1, maxViews })).toThrow(ConfigError)
    }
    expect(() => new LiveRound({ config: { nodes: 4, view: 2 }, seed: 1, maxViews: 2 })).toThrow(/starts in view 0/)
    expect(() => new LiveRound({ config: { nodes: 4, clientP: 2 }, seed: 1, maxViews: 2 })).toThrow(ConfigError)
  })

  it('timeouts double with every view', () => {
    const live = new LiveRound({ config: { nodes: 4, p: 0 }, seed: 1, maxViews: 4 })
    const factors: number[] = []
    while (live.phase !== 'done') {
      if (live.phase === 'reply') factors.push(live.timeoutFactor)
      finishPhase(live)
    }
    expect(factors).toEqual([1, 2, 4, 8])
  })
})
