import { describe, expect, it } from 'vitest'
import { valueLabel } from '../../src/byzantine'
import { FAULT_KINDS, normalizeRound, type FaultKind, type RoundConfig } from '../../src/config'
import { Rng } from '../../src/rng'
import { runRound } from '../../src/round/runRound'
import { createKernel } from '../../src/simulation/kernel'

/**
 * The Monte-Carlo kernel and the replica state machine are two implementations of one
 * normative description (packages/engine/README.md). Played with the same seed, they must
 * reach the same outcome, message counts included, in every round: this is what lets the
 * fast kernel be trusted wherever the readable replicas are.
 */
function randomConfig(pick: Rng): RoundConfig {
  const nodes = 1 + (pick.nextU32() % 10)
  const faults: FaultKind[] = Array.from({ length: nodes }, () =>
    pick.nextFloat() < 0.35 ? (FAULT_KINDS[pick.nextU32() % FAULT_KINDS.length] ?? 'honest') : 'honest',
  )
  const authentication = pick.nextFloat() < 0.6
  if (pick.nextFloat() < 0.4) {
    const links = Array.from({ length: nodes }, () => Array.from({ length: nodes }, () => 0.4 + 0.6 * pick.nextFloat()))
    return { nodes, faults, links, authentication }
  }
  return { nodes, faults, p: [1, 0.95, 0.9, 0.7, 0.5][pick.nextU32() % 5], authentication }
}

describe('the kernel and the replica state machine', () => {
  it('reach identical outcomes for the same seed over random faults, links and authentication', () => {
    const pick = new Rng(31337)
    let violations = 0
    for (let c = 0; c < 250; c++) {
      const config = randomConfig(pick)
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
    const config: RoundConfig = { nodes: 4, p: 1, faults: { 0: 'equivocate', 1: 'equivocate' } }
    const reference = runRound(config, { seed: 5 })
    const fast = createKernel(normalizeRound(config)).playRound(new Rng(5))
    expect(reference.safetyViolation).toBe(true)
    expect(fast.safetyViolation).toBe(true)
    expect(reference.decidedValues).toEqual(['v', 'v′'])
  })
})
