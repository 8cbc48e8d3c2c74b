/**
 * Random adversarial schedules for LiveRound, as fast-check arbitraries, and the interpreter
 * that plays them. A schedule is what a room of humans on phones could do: act in any order,
 * let a phase time out while some are still pending, and, for the Byzantine ones, send any
 * value to anyone, tamper or skip. Used by safety.property.spec.ts.
 */
import fc from 'fast-check'
import type { FaultKind, RoundConfig } from '../../src/config'
import type { QuorumRule } from '../../src/quorum'
import { LiveRound, type ByzantineChoice, type RoundResult, type TracedMessage } from '../../src/live/liveRound'

/** The Byzantine kinds (everything but 'honest'). */
export const BYZANTINE_KINDS = ['silent', 'wrong-value', 'equivocate', 'tamper'] as const satisfies readonly FaultKind[]

/** The sizes N = 3f + 1 exercised, f = 1..4. */
export const SIZES = [4, 7, 10, 13] as const
/** Sizes with N > 3f + 1 as well, where the castro-liskov quorum Q = ceil((N + f + 1) / 2) matters most. */
export const ALL_SIZES = [4, 5, 6, 7, 8, 9, 10, 11, 13] as const

/** Arbitrary strings a human may type besides the protocol's own values. */
const ARBITRARY_VALUES = ['x', 'apple', 'pear'] as const

/** Values a Byzantine human picks from: proposal, conflicting `v′`, tampered `v*`, arbitrary strings. */
export function valuePool(proposal: string): string[] {
  return [proposal, `${proposal}′`, `${proposal}*`, ...ARBITRARY_VALUES]
}

/** Index into `valuePool`. */
const valueIndex = fc.nat({ max: ARBITRARY_VALUES.length + 2 })

/** What one Byzantine replica does when its turn comes in a phase. */
export type Move =
  | { kind: 'skip' }
  /** act with no value choice: its fault kind decides (with the tamper flag, if any). */
  | { kind: 'default'; tamper?: boolean }
  /** one value for every recipient. */
  | { kind: 'value'; value: number; tamper?: boolean }
  /** per-recipient values (indexed by recipient id; null: the kind's default for that one). */
  | { kind: 'values'; values: (number | null)[]; tamper?: boolean }
  /** the colluders' agreed plan: camp A recipients get one value, camp B the other. */
  | { kind: 'split'; tamper?: boolean }

export interface PhasePlan {
  /** A permutation of the replica ids: pending replicas act in this order. */
  order: number[]
  /** The phase times out (closePhase) after this many pending replicas took their turn; null: all do. */
  closeAfter: number | null
  /** The Byzantine replicas' moves, indexed by id (ignored for honest replicas). */
  moves: Move[]
  /** The host changes the delivery probability as the phase opens; null: unchanged. */
  setP: number | null
}

export interface Scenario {
  nodes: number
  quorumRule: QuorumRule
  faults: FaultKind[]
  /** A homogeneous p or a link matrix. */
  network: { p: number } | { links: number[][] }
  authentication: boolean
  proposal: string
  seed: number
  /** Colluders agreed beforehand: every Byzantine move is the split plan, in every phase. */
  coordinated: boolean
  /** The split plan: which replicas are in camp A, and the two camps' values (pool indices). */
  campA: boolean[]
  campValues: [number, number]
  phases: [PhasePlan, PhasePlan, PhasePlan]
}

export type Adversary = 'at-most-f' | 'f-plus-one'

const tamperFlag = fc.option(fc.boolean(), { nil: undefined, freq: 3 })

function moveArb(nodes: number): fc.Arbitrary<Move> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Move>({ kind: 'skip' }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('default' as const), tamper: tamperFlag }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('value' as const), value: valueIndex, tamper: tamperFlag }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('values' as const),
        values: fc.array(fc.option(valueIndex, { nil: null, freq: 4 }), { minLength: nodes, maxLength: nodes }),
        tamper: tamperFlag,
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('split' as const), tamper: tamperFlag }) },
  )
}

const probability = fc.oneof(
  { weight: 5, arbitrary: fc.constant(1) },
  { weight: 3, arbitrary: fc.constantFrom(0.5, 0.8, 0.9, 0.95, 0.99) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
)

function phasePlanArb(nodes: number): fc.Arbitrary<PhasePlan> {
  const ids = Array.from({ length: nodes }, (_, id) => id)
  return fc.record({
    order: fc.shuffledSubarray(ids, { minLength: nodes, maxLength: nodes }),
    // A quarter of the phases time out early (some of those after everyone took a turn anyway).
    closeAfter: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat({ max: nodes }) }),
    moves: fc.array(moveArb(nodes), { minLength: nodes, maxLength: nodes }),
    setP: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: probability }),
  })
}

/**
 * The Byzantine replicas: at most f of them (the primary among them half of the time), or
 * exactly f + 1 with the primary among them. Returned ascending.
 */
function byzantineIdsArb(nodes: number, adversary: Adversary): fc.Arbitrary<number[]> {
  const f = Math.floor((nodes - 1) / 3)
  const backups = Array.from({ length: nodes - 1 }, (_, i) => i + 1)
  if (adversary === 'f-plus-one') {
    return fc.subarray(backups, { minLength: f, maxLength: f }).map((ids) => [0, ...ids])
  }
  return fc
    .tuple(fc.boolean(), fc.subarray(backups, { maxLength: f }))
    .map(([primary, ids]) => (primary ? [0, ...ids.slice(0, f - 1)] : ids).sort((a, b) => a - b))
}

export function scenarioArb(
  adversary: Adversary,
  sizes: readonly number[] = SIZES,
  quorumRule: QuorumRule = 'original',
): fc.Arbitrary<Scenario> {
  // A silent replica never gets a turn, so it cannot collude: the f + 1 colluders all speak.
  const kinds = adversary === 'f-plus-one' ? BYZANTINE_KINDS.filter((kind) => kind !== 'silent') : BYZANTINE_KINDS
  return fc.constantFrom(...sizes).chain((nodes) => {
    const faults = fc
      .tuple(
        byzantineIdsArb(nodes, adversary),
        fc.array(fc.constantFrom(...kinds), { minLength: nodes, maxLength: nodes }),
      )
      .map(([ids, kinds]) =>
        Array.from({ length: nodes }, (_, id): FaultKind => (ids.includes(id) ? (kinds[id] ?? 'silent') : 'honest')),
      )
    const links = fc.array(
      fc.array(fc.oneof(fc.constant(1), fc.constantFrom(0, 0.5, 0.9), fc.double({ min: 0, max: 1, noNaN: true })), {
        minLength: nodes,
        maxLength: nodes,
      }),
      { minLength: nodes, maxLength: nodes },
    )
    return fc.record({
      nodes: fc.constant(nodes),
      quorumRule: fc.constant(quorumRule),
      faults,
      network: fc.oneof(
        { weight: 3, arbitrary: fc.record({ p: probability }) },
        { weight: 1, arbitrary: fc.record({ links }) },
      ),
      authentication: fc.boolean(),
      proposal: fc.constantFrom('v', 'block-7'),
      seed: fc.nat(),
      coordinated: fc.boolean(),
      campA: fc.array(fc.boolean(), { minLength: nodes, maxLength: nodes }),
      campValues: fc.tuple(valueIndex, valueIndex),
      phases: fc.tuple(phasePlanArb(nodes), phasePlanArb(nodes), phasePlanArb(nodes)),
    })
  })
}

export function roundConfig(scenario: Scenario): RoundConfig {
  const { nodes, faults, network, authentication, proposal, quorumRule } = scenario
  return { nodes, faults, authentication, proposal, quorumRule, ...network }
}

function choiceFor(scenario: Scenario, move: Exclude<Move, { kind: 'skip' }>): ByzantineChoice {
  const pool = valuePool(scenario.proposal)
  const value = (index: number): string => pool[index] ?? scenario.proposal
  const tamper = move.tamper === undefined ? {} : { tamper: move.tamper }
  switch (move.kind) {
    case 'default':
      return tamper
    case 'value':
      return { value: value(move.value), ...tamper }
    case 'values': {
      const values: Record<number, string> = {}
      move.values.forEach((index, to) => {
        if (index !== null) values[to] = value(index)
      })
      return { values, ...tamper }
    }
    case 'split': {
      const [a, b] = scenario.campValues
      const values: Record<number, string> = {}
      scenario.campA.forEach((inA, to) => (values[to] = value(inA ? a : b)))
      return { values, ...tamper }
    }
  }
}

export interface Played {
  live: LiveRound
  result: RoundResult
  /** What each replica did, in order, e.g. `prepare: 2 acts {"values":{…}}`, `commit: timeout (3 pending)`. */
  steps: string[]
  /** What every `act` returned, in order (for determinism checks). */
  sent: TracedMessage[][]
}

/** Plays a scenario through LiveRound: the human-like driver. */
export function play(scenario: Scenario, options: { trace?: boolean } = {}): Played {
  const live = new LiveRound({ config: roundConfig(scenario), seed: scenario.seed, trace: options.trace !== false })
  const steps: string[] = []
  const sent: TracedMessage[][] = []
  for (const plan of scenario.phases) {
    const phase = live.phase
    if (phase === 'done') break
    if (plan.setP !== null) {
      live.setDeliveryProbability(plan.setP)
      steps.push(`${phase}: p := ${plan.setP}`)
    }
    const rank = (id: number): number => plan.order.indexOf(id)
    const order = live.pending().sort((a, b) => rank(a) - rank(b))
    let turns = 0
    for (const id of order) {
      if (plan.closeAfter !== null && turns >= plan.closeAfter) break
      turns++
      if (scenario.faults[id] === 'honest') {
        sent.push(live.act(id))
        steps.push(`${phase}: ${id} acts`)
        continue
      }
      // Coordinated colluders follow their plan to the letter, and do not tamper with it.
      const planned = plan.moves[id] ?? { kind: 'default' }
      const move: Move = scenario.coordinated ? { kind: 'split', tamper: false } : planned
      if (move.kind === 'skip') {
        live.skip(id)
        steps.push(`${phase}: ${id} skips`)
        continue
      }
      const choice = choiceFor(scenario, move)
      sent.push(live.act(id, choice))
      steps.push(`${phase}: ${id} acts ${JSON.stringify(choice)}`)
    }
    const left = live.pending()
    if (left.length > 0) steps.push(`${phase}: timeout, ${left.join(', ')} silenced`)
    live.closePhase()
  }
  return { live, result: live.result(), steps, sent }
}

/** A short, readable account of a played scenario, for assertion messages. */
export function describeRun(scenario: Scenario, played: Played): string {
  const { result } = played
  const { network: net } = scenario
  const network = 'p' in net ? `p=${net.p}` : `links=${JSON.stringify(net.links)}`
  const faults = scenario.faults.map((kind, id) => (kind === 'honest' ? null : `${id}:${kind}`)).filter(Boolean)
  const lines = [
    `N=${scenario.nodes} f=${result.f} ${scenario.quorumRule} faults{${faults.join(' ')}} ${network} auth=${scenario.authentication} ` +
      `seed=${scenario.seed} coordinated=${scenario.coordinated}`,
    `decided: ${result.replicas.map((r) => `${r.id}=${r.decidedValue ?? '-'}`).join(' ')}`,
    'schedule:',
    ...played.steps.map((step) => `  ${step}`),
  ]
  return lines.join('\n')
}

/** The counted messages that made honest replica `id` decide, as `phase from->to value`. */
export function countedFor(result: RoundResult, id: number): TracedMessage[] {
  return (result.trace ?? []).filter((m) => m.to === id && m.counted)
}

export function formatMessage(m: TracedMessage): string {
  const altered = m.deliveredValue !== null && m.deliveredValue !== m.value ? ` (arrived as ${m.deliveredValue})` : ''
  return `${m.phase} ${m.from}->${m.to} ${m.value}${altered} ${m.status}${m.counted ? ', counted' : ''}`
}
