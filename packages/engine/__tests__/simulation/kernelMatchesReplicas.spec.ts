import { describe, expect, it } from 'vitest'
import { valueLabel } from '../../src/byzantine'
import { FAULT_KINDS, normalizeRound, type FaultKind, type RoundConfig } from '../../src/config'
import { QUORUM_RULES } from '../../src/quorum'
import { Rng } from '../../src/rng'
import { runRound, type TracedMessage } from '../../src/round/runRound'
import { createKernel } from '../../src/simulation/kernel'
import { VIEW_STREAM } from '../../src/views'

/**
 * The Monte-Carlo kernel and the replica state machine are two implementations of one
 * normative description (packages/engine/README.md). Played with the same seed, they must
 * reach the same outcome, message counts included, in every round, with views too (the
 * kernel draws the client and later views from `new Rng(seed, VIEW_STREAM)`, as LiveRound
 * does): this is what lets the fast kernel be trusted wherever the readable replicas are.
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

/** What the kernel and runRound must agree on in a round with views, as one comparable record. */
function viewRecord(source: 'kernel' | 'replicas', config: RoundConfig, seed: number, views: number): unknown {
  if (source === 'replicas') {
    const r = runRound(config, { seed, maxViews: views, trace: false })
    return {
      sets: [r.sets.prePrepared, r.sets.prepared, r.sets.committed],
      outcome: r.outcome,
      decided: r.decidedValues,
      view: r.view,
      viewChanges: r.viewChanges,
      client: [r.clientAccepted, r.clientValue],
      messages: r.messages,
      clientMessages: r.clientMessages,
    }
  }
  const k = createKernel(normalizeRound(config), { views }).playRound(new Rng(seed), new Rng(seed, VIEW_STREAM))
  return {
    sets: [k.npp, k.np, k.nc],
    outcome: k.outcome,
    decided: k.decided.map((id) => valueLabel(id, 'v')),
    view: k.view,
    viewChanges: k.viewChanges,
    client: [k.clientAccepted, k.clientValue === null ? null : valueLabel(k.clientValue, 'v')],
    messages: { sent: k.sent, delivered: k.delivered, dropped: k.dropped, rejected: k.rejected },
    clientMessages: { sent: k.clientSent, delivered: k.clientDelivered, dropped: k.clientDropped, rejected: k.clientRejected },
  }
}

describe.each(QUORUM_RULES)('with views and the client, %s rule', (quorumRule) => {
  it('the kernel and the replicas agree round by round: decisions, views, the client, message counts', () => {
    const pick = new Rng(31337)
    let viewChanged = 0
    let accepted = 0
    let violations = 0
    for (let c = 0; c < 250; c++) {
      const config = { ...randomConfig(pick, quorumRule === 'original' ? 0.35 : 0.6), quorumRule }
      const views = 1 + (pick.nextU32() % 4)
      for (let seed = 0; seed < 4; seed++) {
        const reference = viewRecord('replicas', config, seed, views) as { view: number; client: [boolean, unknown]; outcome: string }
        expect(viewRecord('kernel', config, seed, views), `config ${JSON.stringify(config)} seed ${seed} views ${views}`).toEqual(reference)
        if (reference.view > 0) viewChanged++
        if (reference.client[0]) accepted++
        if (reference.outcome === 'safety-violated') violations++
      }
    }
    // Not vacuous: many rounds changed view, many clients accepted; under the original rule
    // some rounds split (castro-liskov needs f + 1 colluders: see the scenarios below).
    expect(viewChanged).toBeGreaterThan(200)
    expect(accepted).toBeGreaterThan(200)
    if (quorumRule === 'original') expect(violations).toBeGreaterThan(0)
  })

  it('agree on the scenarios of the live tests: silent primaries, a lying new primary, lossy links', () => {
    const configs: [RoundConfig, number][] = [
      [{ nodes: 4, p: 1, faults: { 0: 'silent' }, quorumRule }, 3],
      [{ nodes: 7, p: 1, faults: { 0: 'silent', 1: 'silent' }, quorumRule }, 4],
      [{ nodes: 7, p: 0.95, faults: { 0: 'silent', 1: 'wrong-value' }, quorumRule }, 4],
      [{ nodes: 7, p: 0.9, faults: { 0: 'equivocate', 1: 'equivocate' }, quorumRule }, 4],
      [{ nodes: 10, p: 0.85, faults: { 1: 'tamper', 2: 'silent' }, quorumRule, authentication: false }, 4],
      [{ nodes: 4, p: 0.8, clientP: 0.5, quorumRule }, 5],
      // f + 1 colluders split the honest replicas, and the later views cannot mend it.
      [{ nodes: 4, p: 0.9, faults: { 0: 'equivocate', 1: 'equivocate' }, quorumRule }, 3],
    ]
    const outcomes = new Set<unknown>()
    for (const [config, views] of configs) {
      for (let seed = 0; seed < 30; seed++) {
        const reference = viewRecord('replicas', config, seed, views) as { outcome: string }
        expect(viewRecord('kernel', config, seed, views), `config ${JSON.stringify(config)} seed ${seed}`).toEqual(reference)
        outcomes.add(reference.outcome)
      }
    }
    expect([...outcomes].sort()).toEqual(['no-decision', 'safety-violated', 'success'])
  })

  it('with one view, the replicas play exactly the classic round (the client only adds its REQUEST and REPLYs)', () => {
    const pick = new Rng(99)
    for (let c = 0; c < 100; c++) {
      const config = { ...randomConfig(pick, 0.35), quorumRule }
      for (let seed = 0; seed < 3; seed++) {
        const classic = runRound(config, { seed })
        const oneView = runRound(config, { seed, maxViews: 1 })
        const replicaMessages = (trace: readonly TracedMessage[] | undefined): unknown[] =>
          (trace ?? []).filter((m) => m.phase !== 'request' && m.phase !== 'reply').map(({ signature: _signature, index: _index, ...m }) => m)
        expect(replicaMessages(oneView.trace)).toEqual(replicaMessages(classic.trace))
        expect([oneView.sets, oneView.outcome, oneView.decidedValues, oneView.messages]).toEqual([classic.sets, classic.outcome, classic.decidedValues, classic.messages])
      }
    }
  })
})
