import { computed, reactive, watch } from 'vue'
import {
  BYZANTINE_KINDS,
  DEFAULT_BYZANTINE_KIND,
  DEFAULT_MAX_VIEWS,
  DEFAULT_VIEW_TIMEOUT_MS,
  faultySeats,
  SESSION_LIMITS,
  SESSION_PRESETS,
  sessionIssues,
  TOPOLOGIES,
  type CreateSessionBody,
  type FaultKind,
  type PresetName,
  type QuorumRule,
  type SessionDraft,
  type SessionIssue,
  type SessionIssueCode,
  type SessionIssueParams,
  type SessionDraftField,
  type Topology,
} from '@pbft/protocol'
import { byzantineQuorum, defaultFaultBound } from '@pbft/engine'

/**
 * The session form: its values, the checks the server makes (the protocol's session rules, so
 * that the host sees a problem while typing, not after a 400), and the body it becomes.
 */

/** The faulty-seat choice the server makes: the primary first when malicious, then the highest ids down. */
export { faultySeats }

export type ByzantineKind = (typeof BYZANTINE_KINDS)[number]

export interface HostFormValues {
  nodeCount: number
  faultyNodes: number
  maliciousProposer: boolean
  /** Kind per Byzantine seat (seat id → kind); seats not listed default to equivocate. */
  kinds: Record<number, ByzantineKind>
  robotNodes: number
  topology: Topology
  branchCount: number
  proposalValue: string
  proposalContent: string
  allowTampering: boolean
  /** Percent. */
  messageDeliveryRate: number
  pacingMs: number
  phaseTimeoutMs: number
  phaseGapMs: number
  botTakeover: boolean
  /** How votes are counted; a classroom gets the paper's rule (the API's default is the original). */
  quorumRule: QuorumRule
  /** A bot plays for a student who has not acted `idleBotSeconds` after a phase opened. */
  idleBot: boolean
  idleBotSeconds: number
  /** Views a round may use (1: one attempt, no view change). */
  maxViews: number
  /** The view timer of view 0, in seconds (it doubles with every further view). */
  viewTimeoutSeconds: number
}

export type HostFormField = Exclude<keyof HostFormValues, 'kinds'> | 'timing'

/** The idle bot the form offers a classroom: one away or idle student no longer stalls a 30 s phase. */
export const CLASSROOM_IDLE_SECONDS = 10

/** A problem: a message key of `host.form.problems` and its parameters. */
export interface FormProblem {
  key: string
  params?: Record<string, number | string>
}

export function defaultHostForm(): HostFormValues {
  return {
    nodeCount: 4,
    faultyNodes: 0,
    maliciousProposer: false,
    kinds: {},
    robotNodes: 0,
    topology: 'full',
    branchCount: 2,
    proposalValue: '0',
    proposalContent: 'the proposal',
    allowTampering: false,
    messageDeliveryRate: 100,
    pacingMs: 800,
    phaseTimeoutMs: 30_000,
    phaseGapMs: 400,
    botTakeover: false,
    // In class a student who never taps is normal: the original rule then stalls N = 4 for good.
    quorumRule: 'castro-liskov',
    idleBot: true,
    idleBotSeconds: CLASSROOM_IDLE_SECONDS,
    maxViews: DEFAULT_MAX_VIEWS,
    viewTimeoutSeconds: DEFAULT_VIEW_TIMEOUT_MS / 1000,
  }
}

/** Where the form shows one of the protocol's session issues, and with which message. */
interface IssueMessage<C extends SessionIssueCode> {
  field: HostFormField
  /** Errors: a key of `host.form.problems`; warnings: a key of `host.form.notes`. */
  key: string
  params?: (params: SessionIssueParams[C]) => Record<string, number>
}

/**
 * Each session issue in the form's words. Null: the form never makes it (its body names the
 * faulty seats consistently with the counts) or does not show it (the seats kept for bots).
 */
export const ISSUE_MESSAGES: { readonly [C in SessionIssueCode]: IssueMessage<C> | null } = {
  // Pacing and timeout together: both fields are marked.
  PACING_EXCEEDS_TIMEOUT: { field: 'timing', key: 'timing', params: (p) => ({ slowest: p.slowestMs, timeout: p.phaseTimeoutMs, needed: p.neededMs }) },
  IDLE_BOT_TOO_LATE: { field: 'idleBotSeconds', key: 'idleTooLate', params: (p) => ({ timeout: p.phaseTimeoutMs / 1000 }) },
  FAULTS_TOO_MANY: { field: 'faultyNodes', key: 'faultyTooMany', params: (p) => ({ nodes: p.nodeCount }) },
  ONE_HONEST_REQUIRED: { field: 'faultyNodes', key: 'oneHonest' },
  FAULTS_MAP_OVERRIDES: null,
  FAULTS_EXCEED_BOUND: { field: 'faultyNodes', key: 'moreThanF', params: (p) => ({ count: p.count, f: p.f }) },
  FAULTS_EXCEED_LIVENESS_BOUND: { field: 'faultyNodes', key: 'moreFaultyThanF', params: (p) => ({ count: p.count, crashing: p.crashing, f: p.f }) },
  NOT_3F_PLUS_1: { field: 'nodeCount', key: 'not3f1', params: (p) => ({ nodes: p.nodes, ideal: p.ideal }) },
  SEATS_KEPT_FOR_BOTS: null,
}

/** The form field that holds a draft field's value. */
const FORM_FIELD: { readonly [F in SessionDraftField]: HostFormField | null } = {
  nodeCount: 'nodeCount',
  faultyNodes: 'faultyNodes',
  maliciousProposer: 'maliciousProposer',
  faults: null,
  robotNodes: 'robotNodes',
  pacingMs: 'pacingMs',
  phaseTimeoutMs: 'phaseTimeoutMs',
  idleBotAfterMs: 'idleBotSeconds',
  quorumRule: 'quorumRule',
}

function messageOf(issue: SessionIssue): { field: HostFormField; problem: FormProblem } | null {
  // TypeScript does not narrow a table lookup by the issue's code: the table's type pairs them.
  const message = ISSUE_MESSAGES[issue.code] as IssueMessage<SessionIssueCode> | null
  if (!message) return null
  const params = message.params?.(issue.params)
  return { field: message.field, problem: params ? { key: message.key, params } : { key: message.key } }
}

/** What the server will check, as the body will say it (the faults follow from the counts). */
function draftOf(values: HostFormValues): SessionDraft {
  return {
    nodeCount: values.nodeCount,
    faultyNodes: values.faultyNodes,
    maliciousProposer: values.maliciousProposer,
    robotNodes: values.robotNodes,
    pacingMs: values.pacingMs,
    phaseTimeoutMs: values.phaseTimeoutMs,
    idleBotAfterMs: values.idleBot ? values.idleBotSeconds * 1000 : null,
    quorumRule: values.quorumRule,
  }
}

function intProblem(value: number, min: number, max: number): FormProblem | null {
  if (!Number.isFinite(value) || !Number.isInteger(value)) return { key: 'integer' }
  if (value < min || value > max) return { key: 'range', params: { min, max } }
  return null
}

/** Every problem of the form, per field; an empty object when the server would accept it. */
export function validateHostForm(values: HostFormValues): Partial<Record<HostFormField, FormProblem>> {
  const problems: Partial<Record<HostFormField, FormProblem>> = {}
  const set = (field: HostFormField, problem: FormProblem | null) => {
    if (problem) problems[field] = problem
  }
  set('nodeCount', intProblem(values.nodeCount, SESSION_LIMITS.minNodes, SESSION_LIMITS.maxNodes))
  const n = problems.nodeCount ? SESSION_LIMITS.maxNodes : values.nodeCount
  set('faultyNodes', intProblem(values.faultyNodes, 0, SESSION_LIMITS.maxNodes))
  set('robotNodes', intProblem(values.robotNodes, 0, n))
  set('branchCount', intProblem(values.branchCount, 1, 10))
  const content = values.proposalContent.trim()
  if (content.length < 1 || content.length > SESSION_LIMITS.maxValueLength) {
    problems.proposalContent = { key: 'length', params: { min: 1, max: SESSION_LIMITS.maxValueLength } }
  }
  if (values.proposalValue.length > SESSION_LIMITS.maxValueLength) {
    problems.proposalValue = { key: 'length', params: { min: 0, max: SESSION_LIMITS.maxValueLength } }
  }
  if (!Number.isFinite(values.messageDeliveryRate) || values.messageDeliveryRate < 0 || values.messageDeliveryRate > 100) {
    problems.messageDeliveryRate = { key: 'range', params: { min: 0, max: 100 } }
  }
  set('pacingMs', intProblem(values.pacingMs, 0, SESSION_LIMITS.maxPacingMs))
  set('phaseTimeoutMs', intProblem(values.phaseTimeoutMs, SESSION_LIMITS.minPhaseTimeoutMs, SESSION_LIMITS.maxPhaseTimeoutMs))
  set('phaseGapMs', intProblem(values.phaseGapMs, 0, SESSION_LIMITS.maxPhaseGapMs))
  if (values.idleBot) set('idleBotSeconds', intProblem(values.idleBotSeconds, 1, SESSION_LIMITS.maxPhaseTimeoutMs / 1000))
  // The server's rules, each where no field it reads has a problem of its own (the first per field wins).
  for (const found of sessionIssues(draftOf(values), defaultFaultBound)) {
    if (found.severity !== 'error') continue
    const shown = messageOf(found)
    const blocked = found.fields.some((field) => {
      const own = FORM_FIELD[field]
      return own !== null && problems[own] !== undefined
    })
    if (shown && !blocked && problems[shown.field] === undefined) problems[shown.field] = shown.problem
  }
  set('maxViews', intProblem(values.maxViews, 1, SESSION_LIMITS.maxViews))
  set('viewTimeoutSeconds', intProblem(values.viewTimeoutSeconds, Math.ceil(SESSION_LIMITS.minViewTimeoutMs / 1000), SESSION_LIMITS.maxViewTimeoutMs / 1000))
  return problems
}

/** The fields a one-click lesson takes from the form: how the class plays, not what the lesson shows. */
const LESSON_FIELDS: readonly HostFormField[] = ['pacingMs', 'phaseTimeoutMs', 'phaseGapMs', 'timing', 'idleBotSeconds', 'viewTimeoutSeconds', 'proposalContent', 'proposalValue', 'branchCount']

/** The problems that stop a one-click lesson (those of the fields it takes from the form). */
export function lessonProblems(values: HostFormValues): Partial<Record<HostFormField, FormProblem>> {
  const all = validateHostForm(values)
  return Object.fromEntries(Object.entries(all).filter(([field]) => LESSON_FIELDS.includes(field as HostFormField)))
}

/**
 * A one-click lesson's body: the preset sets the replicas, faults, rule, delivery rate and views
 * (the server fills them in), the form the pace of the class: timing, the idle bot, the view
 * timer, the proposal and the drawing. Fields sent here win over the preset's, so none of the
 * preset's own is sent.
 */
export function toPresetBody(values: HostFormValues, preset: PresetName): CreateSessionBody {
  const { nodeCount: _nodeCount, faultyNodes: _faulty, maliciousProposer: _malicious, faults: _faults, robotNodes: _robots, quorumRule: _rule, messageDeliveryRate: _p, maxViews: _views, ...rest } =
    toCreateBody(values)
  return { ...rest, nodeCount: SESSION_PRESETS[preset].nodeCount, preset }
}

/** What the form will create, explained before the server says it (f, 3f + 1, seats for bots). */
export function formNotes(values: HostFormValues): FormProblem[] {
  const n = values.nodeCount
  if (!Number.isInteger(n) || n < SESSION_LIMITS.minNodes || n > SESSION_LIMITS.maxNodes) return []
  const f = defaultFaultBound(n)
  const notes: FormProblem[] =
    values.quorumRule === 'original'
      ? [{ key: 'tolerates', params: { nodes: n, f, quorum: 2 * f } }]
      : [{ key: 'toleratesPaper', params: { nodes: n, f, quorum: byzantineQuorum(n, f) } }]
  // The server's warnings: more than f Byzantine seats, and N ≠ 3f + 1 under the original rule.
  for (const found of sessionIssues(draftOf(values), defaultFaultBound)) {
    const shown = found.severity === 'warning' ? messageOf(found) : null
    if (shown) notes.push(shown.problem)
  }
  return notes
}

/** The request body: faults spelled out per seat, consistent with faultyNodes and maliciousProposer. */
export function toCreateBody(values: HostFormValues): CreateSessionBody {
  const seats = faultySeats(values.nodeCount, values.faultyNodes, values.maliciousProposer)
  const faults: Record<string, FaultKind> = {}
  for (const seat of seats) faults[String(seat)] = values.kinds[seat] ?? DEFAULT_BYZANTINE_KIND
  const numeric = Number(values.proposalValue)
  const proposalValue = values.proposalValue.trim() !== '' && Number.isFinite(numeric) ? numeric : values.proposalValue
  return {
    nodeCount: values.nodeCount,
    faultyNodes: seats.length,
    maliciousProposer: values.maliciousProposer,
    ...(seats.length > 0 ? { faults } : {}),
    robotNodes: values.robotNodes,
    topology: values.topology,
    branchCount: values.branchCount,
    proposalValue,
    proposalContent: values.proposalContent.trim(),
    allowTampering: values.allowTampering,
    messageDeliveryRate: values.messageDeliveryRate,
    pacingMs: values.pacingMs,
    phaseTimeoutMs: values.phaseTimeoutMs,
    phaseGapMs: values.phaseGapMs,
    botTakeover: values.botTakeover,
    quorumRule: values.quorumRule,
    idleBotAfterMs: values.idleBot ? Math.round(values.idleBotSeconds * 1000) : null,
    maxViews: values.maxViews,
    viewTimeoutMs: Math.round(values.viewTimeoutSeconds * 1000),
  }
}

export const TOPOLOGY_OPTIONS = TOPOLOGIES

export function useHostForm() {
  const values = reactive<HostFormValues>(defaultHostForm())
  const problems = computed(() => validateHostForm(values))
  const valid = computed(() => Object.keys(problems.value).length === 0)
  const seats = computed(() => faultySeats(values.nodeCount, values.faultyNodes, values.maliciousProposer))
  const notes = computed(() => formNotes(values))
  // Keep the kind of seats that stay Byzantine, give new ones the default, drop the others.
  watch(
    seats,
    (now) => {
      for (const key of Object.keys(values.kinds)) if (!now.includes(Number(key))) delete values.kinds[Number(key)]
      for (const seat of now) values.kinds[seat] ??= DEFAULT_BYZANTINE_KIND
    },
    { immediate: true, flush: 'sync' },
  )
  const lessonReady = computed(() => Object.keys(lessonProblems(values)).length === 0)
  return { values, problems, valid, seats, notes, lessonReady, body: () => toCreateBody(values), presetBody: (preset: PresetName) => toPresetBody(values, preset) }
}
