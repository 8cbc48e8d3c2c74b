import { describe, expect, it } from 'vitest'
import { CONFLICTING, PROPOSAL, TAMPERED } from '../../src/byzantine'
import { FAULT_KINDS, normalizeRound, type FaultKind, type RoundConfig } from '../../src/config'
import { Rng } from '../../src/rng'
import { createKernel } from '../../src/simulation/kernel'
import { naiveRound } from './naiveRound'

/** Counts the draws the kernel takes. */
class CountingRng extends Rng {
  draws = 0
  override nextU32(): number {
    this.draws++
    return super.nextU32()
  }
}

function playOnce(config: RoundConfig, seed = 1) {
  return createKernel(normalizeRound(config)).playRound(new Rng(seed))
}

/** A random configuration: faults, per-link probabilities and authentication all vary. */
function randomConfig(rng: Rng): RoundConfig {
  const nodes = 1 + (rng.nextU32() % 9)
  const faults: FaultKind[] = Array.from({ length: nodes }, () =>
    rng.nextFloat() < 0.3 ? (FAULT_KINDS[rng.nextU32() % FAULT_KINDS.length] ?? 'honest') : 'honest',
  )
  const withLinks = rng.nextFloat() < 0.5
  const links = Array.from({ length: nodes }, () => Array.from({ length: nodes }, () => 0.5 + rng.nextFloat() / 2))
  return withLinks
    ? { nodes, faults, links, authentication: rng.nextFloat() < 0.5 }
    : { nodes, faults, p: 0.6 + 0.4 * rng.nextFloat(), authentication: rng.nextFloat() < 0.5 }
}

describe('the message-level kernel', () => {
  it('plays every round exactly like a plain transcription of the README', () => {
    const pick = new Rng(2024)
    for (let c = 0; c < 300; c++) {
      const round = normalizeRound(randomConfig(pick))
      const kernel = createKernel(round)
      for (let seed = 0; seed < 10; seed++) {
        const expected = naiveRound(round, new Rng(seed))
        const got = kernel.playRound(new Rng(seed))
        expect({ ...got, decided: [...got.decided].sort() }).toMatchObject({ ...expected, decided: expected.decided.sort() })
      }
    }
  })

  it('draws exactly once per message sent', () => {
    const kernel = createKernel(normalizeRound({ nodes: 10, p: 0.8, faults: { 3: 'equivocate', 7: 'silent' } }))
    for (let seed = 0; seed < 50; seed++) {
      const rng = new CountingRng(seed)
      const result = kernel.playRound(rng)
      expect(rng.draws).toBe(result.sent)
      expect(result.sent).toBe(result.delivered + result.dropped)
    }
  })

  it('at p = 1 with everyone honest commits the proposal everywhere, sending N-1 + (N-1)² + N(N-1)', () => {
    for (const nodes of [1, 2, 4, 10]) {
      const result = playOnce({ nodes, p: 1 })
      expect(result).toMatchObject({ npp: nodes, np: nodes, nc: nodes, success: true, failurePhase: null, safetyViolation: false })
      expect(result.decided).toEqual([PROPOSAL])
      expect(result.sent).toBe(nodes - 1 + (nodes - 1) ** 2 + nodes * (nodes - 1))
      expect(result.dropped).toBe(0)
    }
  })

  it('at p = 0 fails at pre-prepare', () => {
    const result = playOnce({ nodes: 7, p: 0 })
    expect(result).toMatchObject({ npp: 1, success: false, failurePhase: 'pre-prepare', delivered: 0, sent: 6 })
  })

  it('a silent primary sends nothing and the round fails at pre-prepare', () => {
    const result = playOnce({ nodes: 4, p: 1, faults: { 0: 'silent' } })
    expect(result).toMatchObject({ npp: 0, np: 0, nc: 0, failurePhase: 'pre-prepare', sent: 0 })
  })

  it('rejects tampered messages when authenticated, and decides v* when not', () => {
    const authenticated = playOnce({ nodes: 4, p: 1, faults: { 0: 'tamper' } })
    expect(authenticated).toMatchObject({ npp: 0, failurePhase: 'pre-prepare', sent: 3, delivered: 3, rejected: 3 })

    const open = playOnce({ nodes: 4, p: 1, faults: { 0: 'tamper' }, authentication: false })
    expect(open).toMatchObject({ npp: 3, np: 3, nc: 3, success: true, rejected: 0 })
    expect(open.decided).toEqual([TAMPERED])
  })

  it('f + 1 equivocators make two honest replicas decide differently', () => {
    // N = 4, f = 1: replicas 0 and 1 equivocate; 2 (even) hears v, 3 (odd) hears v′.
    const result = playOnce({ nodes: 4, p: 1, faults: { 0: 'equivocate', 1: 'equivocate' } })
    // The sets fell short too (2 < N - f = 3), but the violation is what the round is judged by.
    expect(result).toMatchObject({ npp: 2, np: 2, nc: 2, safetyViolation: true, success: false })
    expect(result).toMatchObject({ outcome: 'safety-violated', failurePhase: 'commit' })
    expect([...result.decided].sort()).toEqual([PROPOSAL, CONFLICTING])
  })

  it('reuses its result object and is deterministic per seed', () => {
    const kernel = createKernel(normalizeRound({ nodes: 7, p: 0.85 }))
    const snapshot = (result: ReturnType<typeof kernel.playRound>) => ({ ...result, decided: [...result.decided] })
    const first = snapshot(kernel.playRound(new Rng(9)))
    const again = kernel.playRound(new Rng(9))
    expect(snapshot(again)).toEqual(first)
    expect(kernel.playRound(new Rng(10))).toBe(again)
  })
})
