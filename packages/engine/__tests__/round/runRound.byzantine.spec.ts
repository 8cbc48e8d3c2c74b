import { describe, expect, it } from 'vitest'
import { FAULT_KINDS, type FaultKind, type RoundConfig } from '../../src/config'
import { Rng } from '../../src/rng'
import { runRound, type RoundResult } from '../../src/round/runRound'

const BYZANTINE_KINDS = FAULT_KINDS.filter((kind) => kind !== 'honest')

/** Who counted which value in a phase, as `from:value`, per recipient. */
function counted(result: RoundResult, phase: string, to: number): string[] {
  return (result.trace ?? [])
    .filter((m) => m.counted && m.phase === phase && m.to === to)
    .map((m) => `${m.from}:${m.deliveredValue}`)
}

describe('runRound: one faulty replica', () => {
  it('a silent primary leaves nobody in the round', () => {
    const result = runRound({ nodes: 4, faults: { 0: 'silent' } }, { seed: 1 })
    expect(result.messages.sent).toBe(0)
    expect(result.failure?.reason).toBe('pre-prepare: Npp=0 < N-f=3')
  })

  it('a tampering primary is caught by authentication: every message rejected', () => {
    const result = runRound({ nodes: 4, faults: { 0: 'tamper' } }, { seed: 1 })
    expect(result.messages).toEqual({ sent: 3, delivered: 3, dropped: 0, rejected: 3 })
    expect(result.trace?.map((m) => [m.value, m.deliveredValue, m.status])).toEqual([
      ['v', 'v*', 'rejected'],
      ['v', 'v*', 'rejected'],
      ['v', 'v*', 'rejected'],
    ])
    expect(result.failure?.reason).toBe('pre-prepare: Npp=0 < N-f=3')
    expect(result.replicas.map((r) => r.rejected.prePrepare)).toEqual([0, 1, 1, 1])
  })

  it('without authentication every honest replica decides the tampered value', () => {
    const result = runRound({ nodes: 4, faults: { 0: 'tamper' }, authentication: false }, { seed: 1 })
    expect(result.success).toBe(true)
    expect(result.decidedValue).toBe('v*')
    expect(result.replicas.map((r) => r.decidedValue)).toEqual([null, 'v*', 'v*', 'v*'])
    expect(result.messages.rejected).toBe(0)
  })

  it("a tampering backup's messages are rejected wherever they arrive", () => {
    const result = runRound({ nodes: 4, faults: { 3: 'tamper' } }, { seed: 1 })
    // PREPAREs 3 -> 0, 1, 2 and, only the primary being prepared, the COMMIT 3 -> 0.
    expect(result.messages).toEqual({ sent: 14, delivered: 14, dropped: 0, rejected: 4 })
    expect(result.trace?.filter((m) => m.status === 'rejected').every((m) => m.from === 3)).toBe(true)
  })

  it('an equivocating primary splits the backups but cannot make them disagree (N = 4)', () => {
    const result = runRound({ nodes: 4, faults: { 0: 'equivocate' } }, { seed: 1 })
    expect(result.replicas.map((r) => r.acceptedValue)).toEqual([null, 'v′', 'v', 'v′'])
    expect(result.replicas.map((r) => r.decidedValue)).toEqual([null, 'v′', null, 'v′'])
    expect(result.safetyViolation).toBe(false)
    expect(result.failure?.reason).toBe('prepare: Np=2 < N-f=3')
  })

  it('a wrong-value backup is outvoted when there are enough honest replicas (N = 7)', () => {
    const result = runRound({ nodes: 7, faults: { 3: 'wrong-value' } }, { seed: 1 })
    expect(result.success).toBe(true)
    expect(result.decidedValue).toBe('v')
    expect(result.replicas[3]?.decidedValue).toBeNull()
  })
})

describe('runRound: safety', () => {
  it('f + 1 colluding equivocators make two honest replicas decide differently (N = 4)', () => {
    const result = runRound({ nodes: 4, faults: { 0: 'equivocate', 1: 'equivocate' } }, { seed: 1 })
    expect(result.safetyViolation).toBe(true)
    expect(result.decidedValue).toBeNull()
    expect(result.decidedValues).toEqual(['v', 'v′'])
    expect(result.replicas[2]?.decidedValue).toBe('v')
    expect(result.replicas[3]?.decidedValue).toBe('v′')
    // The trace is the counterexample: each honest replica was shown a consistent story.
    expect(counted(result, 'pre-prepare', 2)).toEqual(['0:v'])
    expect(counted(result, 'pre-prepare', 3)).toEqual(['0:v′'])
    expect(counted(result, 'commit', 2)).toEqual(['0:v', '1:v'])
    expect(counted(result, 'commit', 3)).toEqual(['0:v′', '1:v′'])
  })

  it('f + 1 colluding equivocators break safety at N = 7 too', () => {
    const faults = { 0: 'equivocate', 1: 'equivocate', 2: 'equivocate' } as const
    const result = runRound({ nodes: 7, faults }, { seed: 1 })
    expect(result.safetyViolation).toBe(true)
    expect(result.replicas.map((r) => r.decidedValue)).toEqual([null, null, null, 'v′', 'v', 'v′', 'v'])
  })

  it('one equivocator never breaks safety when N = 3f + 1', () => {
    const rng = new Rng(2024)
    let decided = 0
    for (let seed = 0; seed < 400; seed++) {
      const nodes = [4, 7, 10, 13][seed % 4] ?? 4
      const equivocator = rng.nextU32() % nodes
      const p = [0.6, 0.8, 0.9, 0.95, 1][rng.nextU32() % 5]
      const config: RoundConfig = { nodes, p, faults: { [equivocator]: 'equivocate' } }
      const result = runRound(config, { seed, trace: false })
      expect(result.safetyViolation, JSON.stringify(config)).toBe(false)
      if (result.decidedValue !== null) decided++
    }
    expect(decided).toBeGreaterThan(100)
  })

  it('at most f Byzantine replicas of any kinds never break safety when N <= 3f + 1', () => {
    const rng = new Rng(7)
    const pick = <T>(items: readonly T[]): T => items[rng.nextU32() % items.length] as T
    const shapes = [
      { nodes: 4 },
      { nodes: 7 },
      { nodes: 10 },
      { nodes: 5, f: 2 },
      { nodes: 6, f: 2 },
    ]
    let decided = 0
    for (let seed = 0; seed < 1000; seed++) {
      const shape = pick(shapes)
      const f = shape.f ?? Math.floor((shape.nodes - 1) / 3)
      const faults: Record<number, FaultKind> = {}
      const byzantine = rng.nextU32() % (f + 1)
      while (Object.keys(faults).length < byzantine) faults[rng.nextU32() % shape.nodes] = pick(BYZANTINE_KINDS)
      const config: RoundConfig = {
        ...shape,
        faults,
        p: pick([0.5, 0.7, 0.8, 0.9, 0.95, 1]),
        authentication: rng.nextU32() % 2 === 0,
      }
      const result = runRound(config, { seed, trace: false })
      expect(result.safetyViolation, JSON.stringify(config)).toBe(false)
      expect(result.decidedValues.length).toBeLessThanOrEqual(1)
      for (const replica of result.replicas) {
        if (replica.fault !== 'honest') expect(replica.decidedValue).toBeNull()
      }
      expect(result.sets.committed).toBeLessThanOrEqual(shape.nodes - byzantine)
      if (result.decidedValue !== null) decided++
    }
    // Not vacuous: many of these rounds reached a decision.
    expect(decided).toBeGreaterThan(150)
  })

  it('with N > 3f + 1 the 2f quorum no longer protects safety: N = 5, one equivocating primary', () => {
    // Two quorums of 2f + 1 = 3 out of 5 replicas need only share one replica, here the
    // Byzantine primary itself. The README's safety claim holds for N <= 3f + 1.
    const result = runRound({ nodes: 5, faults: { 0: 'equivocate' } }, { seed: 1 })
    expect(result.safetyViolation).toBe(true)
    expect(result.replicas.map((r) => r.decidedValue)).toEqual([null, 'v′', 'v', 'v′', 'v'])
    // Four honest replicas committed (N - f = 4), but on two values: that is never a success.
    expect(result.sets.committed).toBe(4)
    expect(result.success).toBe(false)
    expect(result.outcome).toBe('safety-violated')
    expect(result.failure).toEqual({ phase: 'commit', reason: 'safety: honest replicas committed v′ and v' })
  })

  it('with N = 5 and one equivocating primary the castro-liskov quorum keeps the honest replicas together', () => {
    // Q = ceil((5 + 1 + 1) / 2) = 4: two prepare certificates share f + 1 = 2 replicas, one honest.
    for (let seed = 0; seed < 50; seed++) {
      const result = runRound({ nodes: 5, faults: { 0: 'equivocate' }, quorumRule: 'castro-liskov' }, { seed })
      expect(result.safetyViolation).toBe(false)
      expect(result.outcome).toBe('no-decision')
      expect(result.quorumRule).toBe('castro-liskov')
    }
  })
})
