/**
 * Random adversarial schedules for rounds with views, as fast-check arbitraries, and the
 * interpreter that plays them through LiveRound (see views.property.spec.ts). A schedule is what
 * a room could do over several views: the client and the replicas act in any order or time out,
 * the host closes phases early, forces view changes and changes p, messages are lost on lossy
 * links, and the Byzantine replicas (new primaries included) send any value to anyone, claim
 * certificates they lack, tamper, skip, and as new primaries pick which VIEW-CHANGEs go into the
 * set V each backup gets.
 */
import fc from 'fast-check'
import type { FaultKind, RoundConfig } from '../../src/config'
import { LiveRound, type ByzantineChoice, type RoundResult, type TracedMessage } from '../../src/live/liveRound'
import type { QuorumRule } from '../../src/quorum'
import { BYZANTINE_KINDS, valuePool, type Adversary } from './adversary'

/** Index into `valuePool`. */
const valueIndex = fc.nat({ max: 5 })
const tamperFlag = fc.option(fc.boolean(), { nil: undefined, freq: 3 })

/** What one Byzantine replica does when its turn comes. */
export type ViewMove =
  | { kind: 'skip' }
  | { kind: 'default'; tamper?: boolean }
  | { kind: 'value'; value: number; tamper?: boolean }
  | { kind: 'values'; values: (number | null)[]; tamper?: boolean }
  /** The colluders' split: camp A recipients get one value, camp B the other. */
  | { kind: 'split'; tamper?: boolean }
  /** As a new primary: a set V per recipient (null: all it holds), values by its kind or `value`. */
  | { kind: 'sets'; sets: (number[] | null)[]; value: number | null; tamper?: boolean }

export interface ViewPhasePlan {
  /** A permutation of the participants (replicas, then the client N): pending ones act in this order. */
  order: number[]
  /** The phase times out after this many turns; null: everyone acts (those who join too). */
  closeAfter: number | null
  moves: ViewMove[]
  setP: number | null
  /** The host forces the next view instead of closing the phase. */
  force: boolean
}

export interface ViewScenario {
  nodes: number
  quorumRule: QuorumRule
  faults: FaultKind[]
  network: { p: number } | { links: number[][] }
  clientP: number | null
  authentication: boolean
  proposal: string
  seed: number
  maxViews: number
  coordinated: boolean
  campA: boolean[]
  campValues: [number, number]
  /** One plan per phase, in the order phases open (five per view); phases beyond them are played by bots. */
  phases: ViewPhasePlan[]
}

const probability = fc.oneof(
  { weight: 5, arbitrary: fc.constant(1) },
  { weight: 3, arbitrary: fc.constantFrom(0.5, 0.8, 0.9, 0.95, 0.99) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
)

function moveArb(nodes: number): fc.Arbitrary<ViewMove> {
  const ids = Array.from({ length: nodes }, (_, id) => id)
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<ViewMove>({ kind: 'skip' }) },
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
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('split' as const), tamper: tamperFlag }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('sets' as const),
        sets: fc.array(fc.option(fc.subarray(ids), { nil: null, freq: 3 }), { minLength: nodes, maxLength: nodes }),
        value: fc.option(valueIndex, { nil: null, freq: 2 }),
        tamper: tamperFlag,
      }),
    },
  )
}

function phasePlanArb(nodes: number): fc.Arbitrary<Omit<ViewPhasePlan, 'force'>> {
  const participants = Array.from({ length: nodes + 1 }, (_, id) => id)
  return fc.record({
    order: fc.shuffledSubarray(participants, { minLength: nodes + 1, maxLength: nodes + 1 }),
    closeAfter: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat({ max: nodes + 1 }) }),
    moves: fc.array(moveArb(nodes), { minLength: nodes, maxLength: nodes }),
    setP: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: probability }),
  })
}

/** At most f Byzantine replicas anywhere (new primaries of every view included), or exactly f + 1 with the primary among them. */
function byzantineIdsArb(nodes: number, adversary: Adversary): fc.Arbitrary<number[]> {
  const f = Math.floor((nodes - 1) / 3)
  const ids = Array.from({ length: nodes }, (_, i) => i)
  if (adversary === 'f-plus-one') return fc.subarray(ids.slice(1), { minLength: f, maxLength: f }).map((rest) => [0, ...rest])
  return fc.subarray(ids, { maxLength: f })
}

export function viewScenarioArb(adversary: Adversary, sizes: readonly number[], quorumRule: QuorumRule): fc.Arbitrary<ViewScenario> {
  const kinds = adversary === 'f-plus-one' ? BYZANTINE_KINDS.filter((kind) => kind !== 'silent') : BYZANTINE_KINDS
  return fc.constantFrom(...sizes).chain((nodes) => {
    const faults = fc
      .tuple(byzantineIdsArb(nodes, adversary), fc.array(fc.constantFrom(...kinds), { minLength: nodes, maxLength: nodes }))
      .map(([ids, picked]) => Array.from({ length: nodes }, (_, id): FaultKind => (ids.includes(id) ? (picked[id] ?? 'silent') : 'honest')))
    const links = fc.array(
      fc.array(fc.oneof(fc.constant(1), fc.constantFrom(0, 0.5, 0.9), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: nodes, maxLength: nodes }),
      { minLength: nodes, maxLength: nodes },
    )
    // One phase in ten, the host forces the next view.
    const plan = fc.tuple(phasePlanArb(nodes), fc.nat({ max: 9 })).map(([phase, roll]): ViewPhasePlan => ({ ...phase, force: roll === 0 }))
    return fc.record({
      nodes: fc.constant(nodes),
      quorumRule: fc.constant(quorumRule),
      faults,
      network: fc.oneof({ weight: 3, arbitrary: fc.record({ p: probability }) }, { weight: 1, arbitrary: fc.record({ links }) }),
      clientP: fc.option(probability, { nil: null, freq: 3 }),
      authentication: fc.boolean(),
      proposal: fc.constantFrom('v', 'block-7'),
      seed: fc.nat(),
      maxViews: fc.integer({ min: 1, max: 4 }),
      coordinated: fc.boolean(),
      campA: fc.array(fc.boolean(), { minLength: nodes, maxLength: nodes }),
      campValues: fc.tuple(valueIndex, valueIndex),
      phases: fc.array(plan, { minLength: 20, maxLength: 20 }),
    })
  })
}

export function viewRoundConfig(scenario: ViewScenario): RoundConfig {
  const { nodes, faults, network, authentication, proposal, quorumRule, clientP } = scenario
  return { nodes, faults, authentication, proposal, quorumRule, ...network, ...(clientP === null ? {} : { clientP }) }
}

function choiceFor(scenario: ViewScenario, move: Exclude<ViewMove, { kind: 'skip' }>): ByzantineChoice {
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
    case 'sets': {
      const viewChangesFor: Record<number, number[]> = {}
      move.sets.forEach((set, to) => {
        if (set !== null) viewChangesFor[to] = set
      })
      return { viewChangesFor, ...(move.value === null ? {} : { value: value(move.value) }), ...tamper }
    }
  }
}

export interface ViewPlayed {
  result: RoundResult
  /** What happened, in order, e.g. `view 1 new-view: 1 acts {"value":"x"}`, `view 0 commit: timeout, 3 silenced`. */
  steps: string[]
}

/** Plays a scenario through LiveRound: the planned phases as the room plays them, the rest by bots. */
export function playViews(scenario: ViewScenario, options: { trace?: boolean } = {}): ViewPlayed {
  const live = new LiveRound({ config: viewRoundConfig(scenario), seed: scenario.seed, trace: options.trace !== false, maxViews: scenario.maxViews })
  const steps: string[] = []
  const bot: ViewPhasePlan = { order: [], closeAfter: null, moves: [], setP: null, force: false }
  for (let k = 0; live.phase !== 'done'; k++) {
    const plan = scenario.phases[k] ?? bot
    const where = `view ${live.view} ${live.phase}`
    if (plan.setP !== null) {
      live.setDeliveryProbability(plan.setP)
      steps.push(`${where}: p := ${plan.setP}`)
    }
    const rank = (id: number): number => plan.order.indexOf(id)
    let turns = 0
    let timedOut = false
    // Those who join a view change meanwhile get their turn too, until the phase times out.
    for (let pending = live.pending(); pending.length > 0 && !timedOut; pending = live.pending()) {
      for (const id of pending.sort((a, b) => rank(a) - rank(b))) {
        if (plan.closeAfter !== null && turns >= plan.closeAfter) {
          timedOut = true
          break
        }
        turns++
        if (id === live.clientId || scenario.faults[id] === 'honest') {
          live.act(id)
          steps.push(`${where}: ${id === live.clientId ? 'client' : id} acts`)
          continue
        }
        const move: ViewMove = scenario.coordinated ? { kind: 'split', tamper: false } : (plan.moves[id] ?? { kind: 'default' })
        if (move.kind === 'skip') {
          live.skip(id)
          steps.push(`${where}: ${id} skips`)
          continue
        }
        const choice = choiceFor(scenario, move)
        live.act(id, choice)
        steps.push(`${where}: ${id} acts ${JSON.stringify(choice)}`)
      }
    }
    const left = live.pending()
    if (left.length > 0) steps.push(`${where}: timeout, ${left.join(', ')} silenced`)
    if (plan.force) {
      live.forceViewChange()
      steps.push(`${where}: the host forces the next view`)
    } else live.closePhase()
  }
  return { result: live.result(), steps }
}

/** A readable account of a played scenario: the configuration, the decisions and the schedule. */
export function describeViews(scenario: ViewScenario, played: ViewPlayed): string {
  const { result } = played
  const { network: net } = scenario
  const network = 'p' in net ? `p=${net.p}` : `links=${JSON.stringify(net.links)}`
  const faults = scenario.faults.map((kind, id) => (kind === 'honest' ? null : `${id}:${kind}`)).filter(Boolean)
  return [
    `N=${scenario.nodes} f=${result.f} ${scenario.quorumRule} faults{${faults.join(' ')}} ${network} clientP=${scenario.clientP ?? 'p'} ` +
      `auth=${scenario.authentication} seed=${scenario.seed} maxViews=${scenario.maxViews} coordinated=${scenario.coordinated}`,
    `decided: ${result.replicas.map((r) => `${r.id}=${r.decidedValue ?? '-'}`).join(' ')}; ended in view ${result.view}; ` +
      `client ${result.clientAccepted ? `accepted ${result.clientValue ?? ''}` : 'got no result'}`,
    'schedule:',
    ...played.steps.map((step) => `  ${step}`),
  ].join('\n')
}

/** One message as a line: `view 1 new-view 1->2 v′ delivered, refused (wrong-re-proposal: ...)`, with its evidence. */
export function formatViewMessage(m: TracedMessage): string {
  const altered = m.deliveredValue !== null && m.deliveredValue !== m.value ? ` (arrived as ${m.deliveredValue})` : ''
  const fate = m.counted ? ', counted' : m.ignoredReason === null ? '' : `, ignored (${m.ignoredReason}${m.detail === undefined ? '' : `: ${m.detail}`})`
  const evidence = m.summary === undefined ? '' : ` [${m.summary}]`
  return `view ${m.view} ${m.phase} ${m.from}->${m.to} ${m.value || '∅'}${altered} ${m.status}${fate}${evidence}`
}
