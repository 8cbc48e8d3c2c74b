import {
  EXPERIMENT_API_LIMITS,
  ExperimentRequest,
  ProbabilityRange,
  QUORUM_RULES,
  Rounds,
  Seed,
  SimulationNodesRange,
  type QuorumRule,
} from '@pbft/protocol'

/**
 * The Experiment page's inputs, parsed with the same schemas as the CLI and the REST API, so
 * `4,7,10` and `0.5:1:0.01` mean the same thing everywhere. Problems come back as the
 * protocol's English messages; `localizeInputProblem` translates them for display.
 */

export const EXPERIMENT_FIELDS = ['nodes', 'p', 'rounds', 'seed'] as const
export type ExperimentField = (typeof EXPERIMENT_FIELDS)[number]
export type ExperimentText = Record<ExperimentField, string>

export interface ExperimentInputs {
  nodes: number[]
  p: number[]
  rounds: number
  seed: number
  /** The quorum rules to run, each point once per rule (in QUORUM_RULES order). */
  quorumRules: QuorumRule[]
}

/** The page's choice of rules: one of them, or both on one chart. */
export type RuleChoice = QuorumRule | 'both'
export const RULE_CHOICES: readonly RuleChoice[] = [...QUORUM_RULES, 'both']

export function rulesOf(choice: RuleChoice): QuorumRule[] {
  return choice === 'both' ? [...QUORUM_RULES] : [choice]
}

/** One p: the convergence of one run, round by round. Several: a sweep over p. */
export type ExperimentMode = 'convergence' | 'sweep'

export function modeOf(inputs: Pick<ExperimentInputs, 'p'>): ExperimentMode {
  return inputs.p.length === 1 ? 'convergence' : 'sweep'
}

export interface ParsedExperiment {
  /** Null while any field has a problem. */
  inputs: ExperimentInputs | null
  /** Per field, plus `form` for problems of the whole (the size of a sweep). */
  problems: Partial<Record<ExperimentField | 'form', string>>
  /** How many values of p the p field holds (null while it is invalid): it decides the mode. */
  pCount: number | null
}

/** The message for an empty field (the parsers would say `"" is not a number`). */
export const REQUIRED = 'required'

const FIELD_SCHEMAS = { nodes: SimulationNodesRange, p: ProbabilityRange, rounds: Rounds, seed: Seed } as const

function parseField<F extends ExperimentField>(
  field: F,
  text: string,
): { value: ExperimentInputs[F]; problem?: undefined } | { value?: undefined; problem: string } {
  if (text.trim() === '') return { problem: REQUIRED }
  const result = FIELD_SCHEMAS[field].safeParse(text)
  if (result.success) return { value: result.data as ExperimentInputs[F] }
  return { problem: result.error.issues[0]?.message ?? 'invalid' }
}

export function parseExperiment(text: ExperimentText, rules: RuleChoice = 'original'): ParsedExperiment {
  const problems: ParsedExperiment['problems'] = {}
  const nodes = parseField('nodes', text.nodes)
  const p = parseField('p', text.p)
  const rounds = parseField('rounds', text.rounds)
  const seed = parseField('seed', text.seed)
  for (const [field, result] of [['nodes', nodes], ['p', p], ['rounds', rounds], ['seed', seed]] as const) {
    if (result.problem !== undefined) problems[field] = result.problem
  }
  if (nodes.value === undefined || p.value === undefined || rounds.value === undefined || seed.value === undefined) {
    return { inputs: null, problems, pCount: p.value?.length ?? null }
  }
  const inputs: ExperimentInputs = { nodes: nodes.value, p: p.value, rounds: rounds.value, seed: seed.value, quorumRules: rulesOf(rules) }

  if (modeOf(inputs) === 'sweep') {
    // The server's own request schema: the page refuses what the server would refuse.
    const request = ExperimentRequest.safeParse({ nodes: text.nodes, p: text.p, rounds: inputs.rounds, seed: inputs.seed, quorumRule: inputs.quorumRules })
    if (!request.success) {
      const issue = request.error.issues[0]
      const field = issue?.path[0]
      const key = typeof field === 'string' && (EXPERIMENT_FIELDS as readonly string[]).includes(field) ? field : 'form'
      problems[key as ExperimentField | 'form'] = issue?.message ?? 'invalid'
      return { inputs: null, problems, pCount: inputs.p.length }
    }
  } else {
    // A convergence run plays nodes × rules × rounds rounds in the browser: the same cap as a sweep.
    const total = inputs.nodes.length * inputs.quorumRules.length * inputs.rounds
    if (total > EXPERIMENT_API_LIMITS.maxTotalRounds) {
      problems.rounds = `nodes × p × rounds gives ${total} rounds, more than the ${EXPERIMENT_API_LIMITS.maxTotalRounds} allowed`
      return { inputs: null, problems, pCount: 1 }
    }
  }
  return { inputs, problems, pCount: inputs.p.length }
}
