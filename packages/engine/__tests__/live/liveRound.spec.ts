import { describe, expect, it } from 'vitest'
import { FAULT_KINDS, normalizeRound, type FaultKind, type RoundConfig } from '../../src/config'
import { ConfigError } from '../../src/config'
import { LiveRound, LiveRoundError, type LiveRoundErrorCode } from '../../src/live/liveRound'
import { PHASES } from '../../src/outcome'
import { Rng } from '../../src/rng'
import { Authenticator, deriveRoundSecret } from '../../src/round/authenticator'
import { Network } from '../../src/round/network'
import { Replica } from '../../src/round/replica'
import { runRound } from '../../src/round/runRound'

function randomConfig(pick: Rng, p?: number): RoundConfig {
  const nodes = 1 + (pick.nextU32() % 9)
  const faults: FaultKind[] = Array.from({ length: nodes }, () =>
    pick.nextFloat() < 0.35 ? (FAULT_KINDS[pick.nextU32() % FAULT_KINDS.length] ?? 'honest') : 'honest',
  )
  const authentication = pick.nextFloat() < 0.6
  if (p === undefined && pick.nextFloat() < 0.4) {
    const links = Array.from({ length: nodes }, () => Array.from({ length: nodes }, () => 0.4 + 0.6 * pick.nextFloat()))
    return { nodes, faults, links, authentication }
  }
  return { nodes, faults, p: p ?? [1, 0.9, 0.7, 0.5][pick.nextU32() % 4], authentication }
}

/** The all-bot policy: every pending replica acts in ascending id, then the phase closes. */
function playInOrder(live: LiveRound): LiveRound {
  while (live.phase !== 'done') {
    for (const id of live.pending()) live.act(id)
    live.closePhase()
  }
  return live
}

/**
 * An independent oracle: the README loop written directly on the replicas and the network
 * (runRound before it was built on LiveRound), so the equivalence below is not circular.
 */
function referenceTrace(config: RoundConfig, seed: number): { trace: string[]; snapshots: unknown[] } {
  const round = normalizeRound(config)
  const { nodes, f, view, sequence, proposal, authentication, quorumRule } = round
  const authenticator = new Authenticator(deriveRoundSecret(seed))
  const network = new Network(round, new Rng(seed), authenticator)
  const replicas = round.faults.map(
    (fault, id) => new Replica({ id, nodes, f, view, sequence, fault, proposal, authenticator, authentication, quorumRule }),
  )
  const trace: string[] = []
  for (const phase of PHASES) {
    const senders = replicas.filter((r) => r.sends(phase))
    const inPhase = replicas.filter((r) => r.receives(phase)).map((r) => r.id)
    for (const sender of senders) {
      for (const message of sender.outgoing(phase, inPhase.filter((id) => id !== sender.id))) {
        const arrived = network.transmit(message)
        const outcome = arrived === null ? 'dropped' : replicas[message.to]?.receive(arrived).status
        trace.push(`${phase} ${message.from}->${message.to} ${message.value} ${arrived?.value ?? '-'} ${outcome}`)
      }
    }
  }
  return { trace, snapshots: replicas.map((r) => r.snapshot()) }
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

describe('LiveRound: equivalence with runRound', () => {
  it('acting in ascending order and closing each phase gives runRound’s result, trace included', () => {
    const pick = new Rng(2024)
    for (let c = 0; c < 120; c++) {
      // Every other configuration under the castro-liskov rule.
      const config: RoundConfig = { ...randomConfig(pick), ...(c % 2 === 1 ? { quorumRule: 'castro-liskov' } : {}) }
      for (let seed = 0; seed < 3; seed++) {
        const context = `config ${JSON.stringify(config)} seed ${seed}`
        const live = playInOrder(new LiveRound({ config, seed })).result()
        expect(live, context).toEqual(runRound(config, { seed }))
        const reference = referenceTrace(config, seed)
        const status = (m: { status: string; counted: boolean }): string =>
          m.status === 'delivered' ? (m.counted ? 'accepted' : 'ignored') : m.status
        expect(
          (live.trace ?? []).map(
            (m) => `${m.phase} ${m.from}->${m.to} ${m.value} ${m.deliveredValue ?? '-'} ${status(m)}`,
          ),
          context,
        ).toEqual(reference.trace)
        expect(live.replicas, context).toEqual(reference.snapshots)
      }
    }
  })

  it('runRound without a trace matches too', () => {
    const config: RoundConfig = { nodes: 7, p: 0.8, faults: { 2: 'tamper', 5: 'equivocate' } }
    const live = new LiveRound({ config, seed: 9, trace: false })
    const result = playInOrder(live).result()
    expect(result).toEqual(runRound(config, { seed: 9, trace: false }))
    expect(result.trace).toBeUndefined()
    expect(live.trace).toEqual([])
  })
})

describe('LiveRound: humans acting out of order', () => {
  it('at p = 1 reach the same sets, decisions and counters whatever the order', () => {
    const pick = new Rng(77)
    for (let c = 0; c < 60; c++) {
      const config = randomConfig(pick, 1)
      const live = new LiveRound({ config, seed: c })
      while (live.phase !== 'done') {
        const order = live.pending()
        for (let i = order.length - 1; i > 0; i--) {
          const j = pick.nextU32() % (i + 1)
          ;[order[i], order[j]] = [order[j] as number, order[i] as number]
        }
        for (const id of order) live.act(id)
        live.closePhase()
      }
      const shuffled = live.result()
      const expected = runRound(config, { seed: c })
      const context = JSON.stringify(config)
      expect(shuffled.sets, context).toEqual(expected.sets)
      expect(shuffled.decidedValues, context).toEqual(expected.decidedValues)
      expect(shuffled.success, context).toBe(expected.success)
      expect(shuffled.messages, context).toEqual(expected.messages)
      expect(shuffled.replicas, context).toEqual(expected.replicas)
    }
  })
})

describe('LiveRound: human Byzantine choices', () => {
  it('an equivocating primary and a colluding backup split honest 2 and 3 at N = 4', () => {
    const config: RoundConfig = { nodes: 4, p: 1, faults: { 0: 'wrong-value', 1: 'wrong-value' } }
    const live = new LiveRound({ config, seed: 1 })
    const split = { values: { 1: 'apple', 2: 'apple', 3: 'pear' } }
    const sent = live.act(0, split)
    expect(sent.map((m) => `${m.to}:${m.value}`)).toEqual(['1:apple', '2:apple', '3:pear'])
    expect(live.closePhase()).toBe('prepare')
    expect(live.snapshot(2).acceptedValue).toBe('apple')
    expect(live.snapshot(3).acceptedValue).toBe('pear')
    for (const phase of ['prepare', 'commit']) {
      expect(live.phase).toBe(phase)
      live.act(0, split)
      live.act(1, { values: { 0: 'apple', 2: 'apple', 3: 'pear' } })
      for (const id of live.pending()) live.act(id)
      live.closePhase()
    }
    const result = live.result()
    expect(result.safetyViolation).toBe(true)
    expect(result.replicas[2]?.decidedValue).toBe('apple')
    expect(result.replicas[3]?.decidedValue).toBe('pear')
    expect(result.decidedValues).toEqual(['apple', 'pear'])
    expect(result.decidedValue).toBeNull()
  })

  it('a value equal to the proposal matches honest replicas; a chosen value goes to all others', () => {
    const live = new LiveRound({ config: { nodes: 4, faults: { 3: 'wrong-value' } }, seed: 2 })
    live.act(0)
    live.closePhase()
    expect(live.act(3, { value: 'v' }).every((m) => m.value === 'v' && m.counted)).toBe(true)
    expect(live.act(1, {}).length).toBe(3)
    live.act(2)
    live.closePhase()
    live.act(3, { value: 'zebra', values: { 0: 'v' } })
    const commits = live.trace.filter((m) => m.phase === 'commit')
    expect(commits.map((m) => `${m.to}:${m.value}`)).toEqual(['0:v', '1:zebra', '2:zebra'])
  })

  it('tamper: true alters messages after signing, rejected with authentication, taken without', () => {
    for (const authentication of [true, false]) {
      const live = new LiveRound({ config: { nodes: 4, authentication, faults: { 2: 'wrong-value' } }, seed: 3 })
      live.act(0)
      live.closePhase()
      const sent = live.act(2, { value: 'v', tamper: true })
      expect(sent.every((m) => m.value === 'v' && m.deliveredValue === 'v*')).toBe(true)
      expect(sent.every((m) => m.status === (authentication ? 'rejected' : 'delivered'))).toBe(true)
      expect(live.progress().messages.rejected).toBe(authentication ? 3 : 0)
    }
  })

  it('tamper: false overrides a tamper-kind replica for that act', () => {
    const live = new LiveRound({ config: { nodes: 4, faults: { 2: 'tamper' } }, seed: 3 })
    live.act(0)
    live.closePhase()
    expect(live.act(2, { tamper: false }).every((m) => m.status === 'delivered' && m.deliveredValue === 'v')).toBe(true)
    expect(live.act(1).length).toBe(3)
    expect(live.act(3).length).toBe(3)
  })
})

describe('LiveRound: skipping and closing', () => {
  it('closePhase with pending replicas treats them as silent', () => {
    const live = new LiveRound({ config: { nodes: 4 }, seed: 4 })
    live.act(0)
    expect(live.closePhase()).toBe('prepare')
    expect(live.pending()).toEqual([1, 2, 3])
    live.act(1)
    live.skip(2)
    expect(live.isPhaseComplete()).toBe(false)
    expect(live.closePhase()).toBe('commit')
    // Only 1 prepared nobody: each honest replica saw at most one matching PREPARE (2f = 2).
    expect(live.pending()).toEqual([])
    expect(live.isPhaseComplete()).toBe(true)
    expect(live.progress().sets).toEqual({ prePrepared: 4, prepared: 0, committed: 0 })
    expect(live.closePhase()).toBe('done')
    expect(live.closePhase()).toBe('done')
    const result = live.result()
    expect(result.failure?.phase).toBe('prepare')
    expect(result.messages.sent).toBe(6)
    expect(live.progress()).toMatchObject({ phase: 'done', done: true })
  })

  it('a silent primary is never pending; the round then fails in pre-prepare', () => {
    const live = new LiveRound({ config: { nodes: 4, faults: { 0: 'silent' } }, seed: 1 })
    expect(live.pending()).toEqual([])
    expect(live.recipients(0)).toEqual([1, 2, 3])
    expect(live.closePhase()).toBe('prepare')
    expect(live.pending()).toEqual([])
  })
})

/** Plays a round in which the replicas in `idle` never act (humans who never touch their phone). */
function playWithout(config: RoundConfig, idle: readonly number[], seed = 1): LiveRound {
  const live = new LiveRound({ config, seed })
  while (live.phase !== 'done') {
    for (const id of live.pending()) if (!idle.includes(id)) live.act(id)
    live.closePhase()
  }
  return live
}

describe('LiveRound: the quorum rules', () => {
  it('castro-liskov: N = 4 decides at p = 1 with one silent replica, the original rule never does', () => {
    const silent: RoundConfig = { nodes: 4, p: 1, faults: { 3: 'silent' } }
    const decided = playWithout({ ...silent, quorumRule: 'castro-liskov' }, []).result()
    expect(decided).toMatchObject({ outcome: 'success', success: true, decidedValue: 'v', quorumRule: 'castro-liskov' })
    expect(decided.sets).toEqual({ prePrepared: 3, prepared: 3, committed: 3 })
    const stuck = playWithout(silent, []).result()
    expect(stuck).toMatchObject({ outcome: 'no-decision', success: false, quorumRule: 'original' })
    // The primary hears both others (2f = 2); a backup hears one other backup only.
    expect(stuck.failure).toEqual({ phase: 'prepare', reason: 'prepare: Np=1 < N-f=3' })
  })

  it('castro-liskov: N = 4 decides with an honest human who never acts; the own vote counts only once sent', () => {
    const live = playWithout({ nodes: 4, p: 1, quorumRule: 'castro-liskov' }, [3])
    const result = live.result()
    expect(result).toMatchObject({ outcome: 'success', decidedValue: 'v' })
    // Replica 3 never sent its PREPARE or COMMIT: its certificates hold the others' votes only.
    expect(live.snapshot(3)).toMatchObject({
      committed: true,
      ownPrepareCounted: false,
      ownCommitCounted: false,
      prepareQuorum: 2,
      commitQuorum: 3,
      prepareSenders: [1, 2],
      commitSenders: [0, 1, 2],
    })
    expect(live.snapshot(1)).toMatchObject({ ownPrepareCounted: true, ownCommitCounted: true, prepareQuorum: 1 })
    expect(live.snapshot(0)).toMatchObject({ ownPrepareCounted: true, prepareQuorum: 2 })
  })

  it('castro-liskov: N = 7 decides at p = 1 with two silent replicas, or two humans who never act', () => {
    for (const [config, idle] of [
      [{ nodes: 7, p: 1, faults: { 5: 'silent', 6: 'silent' } }, []],
      [{ nodes: 7, p: 1 }, [2, 6]],
    ] as [RoundConfig, number[]][]) {
      const result = playWithout({ ...config, quorumRule: 'castro-liskov' }, idle).result()
      expect(result, JSON.stringify(config)).toMatchObject({ outcome: 'success', decidedValue: 'v' })
      expect(playWithout(config, idle).result().outcome, JSON.stringify(config)).toBe('no-decision')
    }
  })

  it('the original rule, N = 5, an equivocating primary: safety violated, never a success', () => {
    for (let seed = 0; seed < 20; seed++) {
      const result = playWithout({ nodes: 5, p: 1, faults: { 0: 'equivocate' } }, [], seed).result()
      expect(result).toMatchObject({ outcome: 'safety-violated', success: false, safetyViolation: true, decidedValue: null })
      expect(result.failure?.reason).toMatch(/^safety: honest replicas committed v′? and v′?$/)
    }
  })

  it('castro-liskov ignores PREPAREs from a Byzantine primary, and says why in the trace', () => {
    const live = playWithout({ nodes: 4, p: 1, faults: { 0: 'wrong-value' }, quorumRule: 'castro-liskov' }, [])
    const fromPrimary = live.trace.filter((m) => m.phase === 'prepare' && m.from === 0)
    expect(fromPrimary.length).toBe(3)
    expect(fromPrimary.every((m) => !m.counted && m.ignoredReason === 'from-primary')).toBe(true)
  })
})

describe('LiveRound: misuse', () => {
  it('refuses acting twice, out of turn, honest choices, bad values, unknown replicas and a finished round', () => {
    const live = new LiveRound({ config: { nodes: 4, faults: { 3: 'wrong-value' } }, seed: 5 })
    expectCode('not-pending', () => live.act(1))
    expectCode('not-byzantine', () => live.act(0, { value: 'x' }))
    expectCode('not-byzantine', () => live.act(0, { tamper: true }))
    expectCode('unknown-replica', () => live.act(4))
    expectCode('unknown-replica', () => live.snapshot(-1))
    expectCode('round-not-over', () => live.result())
    live.act(0)
    expectCode('not-pending', () => live.act(0))
    expectCode('not-pending', () => live.skip(0))
    live.closePhase()
    expectCode('bad-value', () => live.act(3, { value: '' }))
    expectCode('bad-value', () => live.act(3, { values: { 1: 'x'.repeat(65) } }))
    expectCode('bad-value', () => live.act(3, { value: 7 as unknown as string }))
    // A refused act changes nothing: the replica is still pending and can act properly.
    expect(live.pending()).toContain(3)
    expect(live.act(3, { value: 'x'.repeat(64) })).toHaveLength(3)
    while (live.phase !== 'done') live.closePhase()
    expectCode('round-over', () => live.act(3))
    expectCode('round-over', () => live.skip(3))
    expect(() => live.setDeliveryProbability(1.5)).toThrow(ConfigError)
  })
})

describe('LiveRound: the network changes live', () => {
  it('setDeliveryProbability(0) mid-prepare drops every later message', () => {
    const live = new LiveRound({ config: { nodes: 7 }, seed: 6 })
    live.act(0)
    live.closePhase()
    live.act(1)
    live.act(2)
    live.setDeliveryProbability(0)
    const later = [...live.pending()].flatMap((id) => live.act(id))
    expect(later.length).toBeGreaterThan(0)
    expect(later.every((m) => m.status === 'dropped')).toBe(true)
    expect(live.trace.filter((m) => m.phase === 'prepare' && m.from <= 2).every((m) => m.status === 'delivered')).toBe(
      true,
    )
  })

  it('setLinks cuts single links', () => {
    const live = new LiveRound({ config: { nodes: 4 }, seed: 7 })
    const links = Array.from({ length: 4 }, (_, from) => Array.from({ length: 4 }, (_, to) => (to === 2 && from === 0 ? 0 : 1)))
    live.setLinks(links)
    expect(live.act(0).map((m) => m.status)).toEqual(['delivered', 'dropped', 'delivered'])
    live.closePhase()
    expect(live.pending()).toEqual([1, 3])
    expect(live.recipients(1)).toEqual([0, 3])
  })
})

describe('LiveRound: local views', () => {
  it('snapshots show each replica’s counters after every act', () => {
    const live = new LiveRound({ config: { nodes: 4 }, seed: 8 })
    expect(live.snapshot(1).acceptedValue).toBeNull()
    live.act(0)
    expect(live.snapshots().map((s) => s.acceptedValue)).toEqual(['v', 'v', 'v', 'v'])
    live.closePhase()
    live.act(1)
    expect(live.snapshot(2)).toMatchObject({ prepareSenders: [1], prepareCount: 1, prepared: false })
    expect(live.snapshot(1)).toMatchObject({ prepareCount: 0, received: { prePrepare: 1, prepare: 0, commit: 0 } })
    live.act(3)
    expect(live.snapshot(2)).toMatchObject({ prepareSenders: [1, 3], prepareCount: 2, prepared: true })
    expect(live.snapshot(0)).toMatchObject({ prepareSenders: [1, 3], prepared: true })
    expect(live.snapshot(1)).toMatchObject({ prepareSenders: [3], prepared: false })
    expect(live.progress()).toMatchObject({ phase: 'prepare', done: false, sets: { prepared: 2 } })
    expect(live.progress().messages).toEqual({ sent: 9, delivered: 9, dropped: 0, rejected: 0 })
    // Everything handed out is plain data.
    expect(JSON.parse(JSON.stringify(live.snapshots()))).toEqual(live.snapshots())
  })
})
