import { describe, expect, it } from 'vitest'
import { valueLabel } from '../../src/byzantine'
import { FAULT_KINDS, normalizeRound, type FaultKind, type RoundConfig } from '../../src/config'
import { QUORUM_RULES } from '../../src/quorum'
import { Rng } from '../../src/rng'
import { runRound } from '../../src/round/runRound'
import { createKernel } from '../../src/simulation/kernel'

/**
 * The Monte-Carlo kernel and the replica state machine are two implementations of one
 * normative description (packages/engine/README.md). Played with the same seed, they must
 * reach the same outcome, message counts included, in every round: this is what lets the
 * fast kernel be trusted wherever the readable replicas are.
 */
function randomConfig(pick: Rng, byzantineRate: number): RoundConfig {
  const nodes = 1 + (pick.nextU32() % 10)
  const faults: FaultKind[] = Array.from({ length: nodes }, () =>
    pick.nextFloat() < byzantineRate ? (FAULT_KINDS[pick.nextU32() % FAULT_KINDS.length] ?? 'honest') : 'honest',
  )
  const authentication = pick.nextFloat() < 0.6
  if (pick.nextFloat() < 0.4) {
    const links = Array.from({ length: nodes }, () => Array.from({ length: nodes }, () => 0.4 + 0.6 * pick.nextFloat()))
    return { nodes, faults, links, authentication }
  }
  return { nodes, faults, p: [1, 0.95, 0.9, 0.7, 0.5][pick.nextU32() % 5], authentication }
}

describe.each(QUORUM_RULES)('the kernel and the replica state machine, %s rule', (quorumRule) => {
  it('reach identical outcomes for the same seed over random faults, links and authentication', () => {
    const pick = new Rng(31337)
    let violations = 0
    for (let c = 0; c < 250; c++) {
      // The castro-liskov quorum needs more colluders before it splits, so it gets more of them.
      const config = { ...randomConfig(pick, quorumRule === 'original' ? 0.35 : 0.6), quorumRule }
      const kernel = createKernel(normalizeRound(config))
      for (let seed = 0; seed < 4; seed++) {
        const reference = runRound(config, { seed, trace: false })
        const fast = kernel.playRound(new Rng(seed))
        const context = `config ${JSON.stringify(config)} seed ${seed}`
        expect({ npp: fast.npp, np: fast.np, nc: fast.nc }, context).toEqual({
          npp: reference.sets.prePrepared,
          np: reference.sets.prepared,
          nc: reference.sets.committed,
        })
        expect(fast.success, context).toBe(reference.success)
        expect(fast.outcome, context).toBe(reference.outcome)
        expect(fast.failurePhase, context).toBe(reference.failure?.phase ?? null)
        expect(fast.safetyViolation, context).toBe(reference.safetyViolation)
        expect(fast.decided.map((id) => valueLabel(id, 'v')), context).toEqual(reference.decidedValues)
        const { sent, delivered, dropped, rejected } = fast
        expect({ sent, delivered, dropped, rejected }, context).toEqual(reference.messages)
        if (reference.safetyViolation) violations++
      }
    }
    // The random configurations must exercise the interesting case too, not only the easy ones.
    expect(violations).toBeGreaterThan(0)
  })

  it('agree on the f + 1 colluding equivocators counterexample', () => {
    const config: RoundConfig = { nodes: 4, p: 1, faults: { 0: 'equivocate', 1: 'equivocate' }, quorumRule }
    const reference = runRound(config, { seed: 5 })
    const fast = createKernel(normalizeRound(config)).playRound(new Rng(5))
    expect(reference.safetyViolation).toBe(true)
    expect(fast.safetyViolation).toBe(true)
    expect(reference.decidedValues).toEqual(['v', 'v′'])
    expect(fast.outcome).toBe('safety-violated')
  })

  it('agree round by round where the rules differ: silent backups and an equivocating primary at N = 5..7', () => {
    const configs: RoundConfig[] = [
      { nodes: 4, p: 1, faults: { 3: 'silent' }, quorumRule },
      { nodes: 7, p: 0.95, faults: { 5: 'silent', 6: 'silent' }, quorumRule },
      { nodes: 5, p: 0.9, faults: { 0: 'equivocate' }, quorumRule },
      { nodes: 6, p: 1, faults: { 0: 'equivocate' }, quorumRule },
    ]
    for (const config of configs) {
      const kernel = createKernel(normalizeRound(config))
      for (let seed = 0; seed < 40; seed++) {
        const reference = runRound(config, { seed, trace: false })
        const fast = kernel.playRound(new Rng(seed))
        const context = `config ${JSON.stringify(config)} seed ${seed}`
        expect([fast.npp, fast.np, fast.nc, fast.outcome], context).toEqual([
          reference.sets.prePrepared,
          reference.sets.prepared,
          reference.sets.committed,
          reference.outcome,
        ])
      }
    }
  })
})
