import { describe, expect, it } from 'vitest'
import type { RoundConfig } from '../../src/config'
import { deliveryThreshold, Rng } from '../../src/rng'
import { runRound, type RoundResult, type TracedMessage } from '../../src/round/runRound'

/** (phase, from, to) of every message, in send order. */
function sendOrder(result: RoundResult): string[] {
  return (result.trace ?? []).map((m) => `${m.phase} ${m.from}->${m.to}`)
}

function messagesAllHonestAtP1(n: number): number {
  // N-1 pre-prepares; each of the N-1 backups prepares to the N-1 others; all N commit to N-1.
  return n - 1 + (n - 1) * (n - 1) + n * (n - 1)
}

describe('runRound: all honest', () => {
  it('N = 4, p = 1: everyone decides the proposal with exactly 24 messages', () => {
    const result = runRound({ nodes: 4 }, { seed: 1 })
    expect(result).toMatchObject({
      nodes: 4,
      f: 1,
      success: true,
      failure: null,
      decidedValue: 'v',
      decidedValues: ['v'],
      sets: { prePrepared: 4, prepared: 4, committed: 4 },
      safetyViolation: false,
      messages: { sent: 24, delivered: 24, dropped: 0, rejected: 0 },
    })
    expect(result.replicas.map((r) => r.decidedValue)).toEqual(['v', 'v', 'v', 'v'])
    expect(result.trace?.every((m) => m.status === 'delivered' && m.counted)).toBe(true)
  })

  it('sends in the README order: phases, then senders ascending, then recipients ascending', () => {
    expect(sendOrder(runRound({ nodes: 4 }, { seed: 1 }))).toEqual([
      'pre-prepare 0->1', 'pre-prepare 0->2', 'pre-prepare 0->3',
      'prepare 1->0', 'prepare 1->2', 'prepare 1->3',
      'prepare 2->0', 'prepare 2->1', 'prepare 2->3',
      'prepare 3->0', 'prepare 3->1', 'prepare 3->2',
      'commit 0->1', 'commit 0->2', 'commit 0->3',
      'commit 1->0', 'commit 1->2', 'commit 1->3',
      'commit 2->0', 'commit 2->1', 'commit 2->3',
      'commit 3->0', 'commit 3->1', 'commit 3->2',
    ])
  })

  it.each([4, 5, 7, 10, 13])('N = %i, p = 1 succeeds with (N-1) + (N-1)² + N(N-1) messages', (n) => {
    const result = runRound({ nodes: n }, { seed: n, trace: false })
    expect(result.success).toBe(true)
    expect(result.decidedValue).toBe('v')
    expect(result.messages.sent).toBe(messagesAllHonestAtP1(n))
    expect(result.trace).toBeUndefined()
  })

  it('p = 0: only the primary is in the round', () => {
    const result = runRound({ nodes: 4, p: 0 }, { seed: 3 })
    expect(result.success).toBe(false)
    expect(result.failure).toEqual({ phase: 'pre-prepare', reason: 'pre-prepare: Npp=1 < N-f=3' })
    // Three pre-prepares, all dropped; nobody else is in the round, so nothing more is sent.
    expect(result.messages).toEqual({ sent: 3, delivered: 0, dropped: 3, rejected: 0 })
    expect(result.decidedValue).toBeNull()
    expect(result.decidedValues).toEqual([])
  })

  it('N = 3 (f = 0) succeeds exactly when both pre-prepares arrive', () => {
    for (let seed = 0; seed < 200; seed++) {
      const result = runRound({ nodes: 3, p: 0.6 }, { seed })
      const [first, second] = result.trace ?? []
      expect(result.success).toBe(first?.status === 'delivered' && second?.status === 'delivered')
    }
  })

  it('uses links[from][to]: with the link 0 -> 1 dead, replica 1 never joins', () => {
    const links = [
      [0, 0, 1, 1],
      [1, 0, 1, 1],
      [1, 1, 0, 1],
      [1, 1, 1, 0],
    ]
    const result = runRound({ nodes: 4, links }, { seed: 5 })
    expect(result.replicas[1]?.acceptedValue).toBeNull()
    expect(result.sets.prePrepared).toBe(3)
    expect(sendOrder(result).filter((m) => m.includes('->1') && !m.startsWith('pre'))).toEqual([])
  })
})

describe('runRound: randomness', () => {
  const config: RoundConfig = {
    nodes: 7,
    p: 0.8,
    faults: { 2: 'equivocate', 5: 'tamper' },
  }

  it('draws once per message, in send order, delivering iff draw < threshold', () => {
    for (const seed of [1, 2, 3, 99]) {
      const result = runRound(config, { seed })
      const rng = new Rng(seed)
      const threshold = deliveryThreshold(0.8)
      for (const message of result.trace ?? []) {
        expect(message.status !== 'dropped', `message ${message.index}`).toBe(rng.nextU32() < threshold)
      }
    }
  })

  it('the same seed gives the same run, message for message', () => {
    expect(runRound(config, { seed: 42 })).toEqual(runRound(config, { seed: 42 }))
  })

  it('different seeds give different runs', () => {
    const statuses = (seed: number): string[] => (runRound(config, { seed }).trace ?? []).map((m) => m.status)
    expect(statuses(42)).not.toEqual(statuses(43))
  })

  it('the secret changes the MACs, not the run', () => {
    const strip = (trace: TracedMessage[] | undefined) => trace?.map(({ mac: _mac, ...rest }) => rest)
    const a = runRound(config, { seed: 42, secret: 'a' })
    const b = runRound(config, { seed: 42, secret: 'b' })
    expect(strip(a.trace)).toEqual(strip(b.trace))
    expect(a.trace?.[0]?.mac).not.toBe(b.trace?.[0]?.mac)
  })

  it('has consistent counts and a JSON-serialisable result', () => {
    const result = runRound(config, { seed: 8 })
    const trace = result.trace ?? []
    const { sent, delivered, dropped, rejected } = result.messages
    expect(sent).toBe(trace.length)
    expect(sent).toBe(delivered + dropped)
    expect(dropped).toBe(trace.filter((m) => m.status === 'dropped').length)
    expect(rejected).toBe(trace.filter((m) => m.status === 'rejected').length)
    expect(trace.every((m) => (m.status === 'dropped') === (m.deliveredValue === null))).toBe(true)
    expect(trace.every((m) => !m.counted || m.status === 'delivered')).toBe(true)
    expect(JSON.parse(JSON.stringify(result))).toEqual(result)
  })

  it('matches the exact success probability (N = 4, p = 0.9) within 4 standard errors', () => {
    const expected = 0.5214612411125161
    const rounds = 20_000
    let successes = 0
    for (let seed = 0; seed < rounds; seed++) {
      if (runRound({ nodes: 4, p: 0.9 }, { seed, trace: false }).success) successes++
    }
    const standardError = Math.sqrt((expected * (1 - expected)) / rounds)
    expect(Math.abs(successes / rounds - expected)).toBeLessThan(4 * standardError)
  }, 60_000)
})
