import { describe, expect, it } from 'vitest'
import {
  DEFAULT_BYZANTINE_KIND,
  faultBoundIssues,
  faultySeats,
  idleBotIssue,
  maxBotStaggerMs,
  seatFaults,
  SESSION_ISSUE_CODES,
  SESSION_ISSUE_SEVERITY,
  sessionIssues,
  slowestBotMs,
  timingIssue,
  type SessionDraft,
  type SessionIssue,
  type SessionIssueCode,
} from '../src/sessionRules'

/** The engine's defaultFaultBound (the protocol does not depend on the engine; the server's tests use the real one). */
const faultBound = (nodes: number) => Math.floor((nodes - 1) / 3)

const draft = (patch: Partial<SessionDraft> = {}): SessionDraft => ({ nodeCount: 4, pacingMs: 800, phaseTimeoutMs: 30_000, quorumRule: 'original', ...patch })

const issuesOf = (patch: Partial<SessionDraft>): SessionIssue[] => sessionIssues(draft(patch), faultBound)
const codesOf = (patch: Partial<SessionDraft>) => issuesOf(patch).map((found) => found.code)

describe('faultySeats and seatFaults (the default faulty-seat choice)', () => {
  it('takes the highest ids down, and the primary first when it is malicious', () => {
    expect(faultySeats(7, 2, false)).toEqual([5, 6])
    expect(faultySeats(7, 2, true)).toEqual([0, 6])
    expect(faultySeats(7, 0, true)).toEqual([0])
    expect(faultySeats(4, 0, false)).toEqual([])
    // Never all seats: seat 0 is only taken as the malicious primary.
    expect(faultySeats(4, 9, false)).toEqual([1, 2, 3])
    expect(faultySeats(4, 9, true)).toEqual([0, 1, 2, 3])
  })

  it('makes sense of half-typed form values instead of throwing', () => {
    expect(faultySeats(Number.NaN, 2, true)).toEqual([])
    expect(faultySeats(4.5, 2, false)).toEqual([])
    expect(faultySeats(4, 1.5, false)).toEqual([])
    expect(faultySeats(4, -3, true)).toEqual([0])
    expect(faultySeats(1e9, 1, false)).toEqual([99])
  })

  it('gives those seats the default kind, or takes an explicit map as it is', () => {
    expect(DEFAULT_BYZANTINE_KIND).toBe('equivocate')
    expect(seatFaults({ nodeCount: 4, faultyNodes: 2, maliciousProposer: true })).toEqual(['equivocate', 'honest', 'honest', 'equivocate'])
    expect(seatFaults({ nodeCount: 4 })).toEqual(['honest', 'honest', 'honest', 'honest'])
    // The map wins over the counts; seats it does not name, or names honest, are honest.
    expect(seatFaults({ nodeCount: 4, faultyNodes: 3, maliciousProposer: true, faults: { 2: 'tamper', 3: 'honest' } })).toEqual(['honest', 'honest', 'tamper', 'honest'])
    // Seats beyond N (which the schema refuses) are not invented.
    expect(seatFaults({ nodeCount: 4, faults: { 7: 'silent' } })).toHaveLength(4)
  })
})

describe('the timing rule', () => {
  it('wants bots (pacing + a stagger of half the pacing) done within half the phase timeout', () => {
    expect(maxBotStaggerMs(801)).toBe(400)
    expect(slowestBotMs(800)).toBe(1200)
    expect(timingIssue({ pacingMs: 20, phaseTimeoutMs: 60 })).toBeNull()
    expect(timingIssue({ pacingMs: 0, phaseTimeoutMs: 200 })).toBeNull()
    expect(timingIssue({ pacingMs: 20, phaseTimeoutMs: 59 })).toMatchObject({
      code: 'PACING_EXCEEDS_TIMEOUT',
      severity: 'error',
      field: 'phaseTimeoutMs',
      fields: ['phaseTimeoutMs', 'pacingMs'],
      params: { pacingMs: 20, staggerMs: 10, slowestMs: 30, phaseTimeoutMs: 59, neededMs: 60 },
    })
    expect(codesOf({ pacingMs: 10_000, phaseTimeoutMs: 2000 })).toEqual(['PACING_EXCEEDS_TIMEOUT'])
  })

  it('has nothing to say about values that are not numbers yet', () => {
    expect(timingIssue({ pacingMs: Number.NaN, phaseTimeoutMs: 2000 })).toBeNull()
  })
})

describe('the idle-bot rule', () => {
  it('wants the idle bot to play before the phase times out, and is quiet when there is none', () => {
    expect(idleBotIssue({ idleBotAfterMs: 1999, phaseTimeoutMs: 2000 })).toBeNull()
    expect(idleBotIssue({ idleBotAfterMs: null, phaseTimeoutMs: 2000 })).toBeNull()
    expect(idleBotIssue({ phaseTimeoutMs: 2000 })).toBeNull()
    expect(idleBotIssue({ idleBotAfterMs: 2000, phaseTimeoutMs: 2000 })).toEqual({
      code: 'IDLE_BOT_TOO_LATE',
      severity: 'error',
      field: 'idleBotAfterMs',
      fields: ['idleBotAfterMs', 'phaseTimeoutMs'],
      params: { idleBotAfterMs: 2000, phaseTimeoutMs: 2000 },
    })
    expect(codesOf({ idleBotAfterMs: 30_000 })).toEqual(['IDLE_BOT_TOO_LATE'])
  })
})

describe('the fault rules', () => {
  it('wants fewer faulty replicas than replicas', () => {
    const issues = issuesOf({ faultyNodes: 4 })
    expect(issues[0]).toEqual({
      code: 'FAULTS_TOO_MANY',
      severity: 'error',
      field: 'faultyNodes',
      fields: ['faultyNodes', 'nodeCount'],
      params: { faultyNodes: 4, nodeCount: 4 },
    })
    expect(codesOf({ faultyNodes: 3 })).not.toContain('FAULTS_TOO_MANY')
  })

  it('keeps one replica honest, blaming the map when there is one', () => {
    const all = { 0: 'silent', 1: 'tamper', 2: 'equivocate', 3: 'wrong-value' } as const
    expect(issuesOf({ faults: all }).find((found) => found.code === 'ONE_HONEST_REQUIRED')).toMatchObject({
      severity: 'error',
      field: 'faults',
      fields: ['faults', 'nodeCount'],
      params: { nodeCount: 4 },
    })
    expect(codesOf({ faults: { ...all, 3: 'honest' } })).not.toContain('ONE_HONEST_REQUIRED')
    // The counts alone reach every seat only past the FAULTS_TOO_MANY line, which comes first.
    expect(codesOf({ faultyNodes: 9, maliciousProposer: true }).slice(0, 2)).toEqual(['FAULTS_TOO_MANY', 'ONE_HONEST_REQUIRED'])
    expect(issuesOf({ faultyNodes: 9, maliciousProposer: true })[1]?.fields).toEqual(['faultyNodes', 'maliciousProposer', 'nodeCount'])
  })

  it('warns when a faults map overrides counts that disagree with it', () => {
    expect(issuesOf({ faults: { 2: 'tamper' }, faultyNodes: 2 })).toContainEqual({
      code: 'FAULTS_MAP_OVERRIDES',
      severity: 'warning',
      field: 'faults',
      fields: ['faults', 'faultyNodes', 'maliciousProposer'],
      params: { count: 1 },
    })
    expect(codesOf({ faults: { 2: 'tamper' }, maliciousProposer: true })).toContain('FAULTS_MAP_OVERRIDES')
    expect(codesOf({ faults: { 2: 'tamper' }, faultyNodes: 1 })).toEqual([])
    expect(codesOf({ faults: { 0: 'silent' }, faultyNodes: 1, maliciousProposer: true })).toEqual([])
    expect(codesOf({ faults: { 2: 'tamper' } })).toEqual([])
  })

  it('warns about more than f Byzantine replicas, and about N ≠ 3f + 1 under the original rule only', () => {
    expect(issuesOf({ faultyNodes: 2 })).toContainEqual({
      code: 'FAULTS_EXCEED_BOUND',
      severity: 'warning',
      field: 'faultyNodes',
      fields: ['faultyNodes', 'maliciousProposer', 'nodeCount'],
      params: { count: 2, f: 1 },
    })
    expect(issuesOf({ faults: { 1: 'silent', 2: 'silent' } })[0]?.field).toBe('faults')
    expect(codesOf({ faultyNodes: 1 })).toEqual([])
    expect(issuesOf({ nodeCount: 5 })).toEqual([
      { code: 'NOT_3F_PLUS_1', severity: 'warning', field: 'nodeCount', fields: ['nodeCount', 'quorumRule'], params: { nodes: 5, f: 1, ideal: 4 } },
    ])
    expect(codesOf({ nodeCount: 5, quorumRule: 'castro-liskov' })).toEqual([])
    expect(faultBoundIssues(7, 3, 'original', faultBound).map((found) => found.code)).toEqual(['FAULTS_EXCEED_BOUND'])
  })
})

describe('sessionIssues', () => {
  it('notes the seats kept for bots', () => {
    expect(issuesOf({ nodeCount: 7, robotNodes: 3 })).toContainEqual({
      code: 'SEATS_KEPT_FOR_BOTS',
      severity: 'warning',
      field: 'robotNodes',
      fields: ['robotNodes', 'nodeCount'],
      params: { first: 4, last: 6, robotNodes: 3 },
    })
    expect(codesOf({ robotNodes: 0 })).toEqual([])
  })

  it('lists errors first, in the order the server reports the first one, then the warnings in the order it lists them', () => {
    const all = { 0: 'silent', 1: 'silent', 2: 'silent', 3: 'silent', 4: 'silent' } as const
    expect(codesOf({ nodeCount: 5, pacingMs: 10_000, phaseTimeoutMs: 2000, idleBotAfterMs: 2000, faultyNodes: 6, faults: all, robotNodes: 1 })).toEqual([
      'PACING_EXCEEDS_TIMEOUT',
      'IDLE_BOT_TOO_LATE',
      'FAULTS_TOO_MANY',
      'ONE_HONEST_REQUIRED',
      'FAULTS_MAP_OVERRIDES',
      'FAULTS_EXCEED_BOUND',
      'NOT_3F_PLUS_1',
      'SEATS_KEPT_FOR_BOTS',
    ])
  })

  it('gives each issue the severity of its code', () => {
    const issues = issuesOf({ nodeCount: 5, pacingMs: 10_000, phaseTimeoutMs: 2000, faultyNodes: 3, robotNodes: 1 })
    for (const found of issues) expect(found.severity).toBe(SESSION_ISSUE_SEVERITY[found.code])
  })

  it('has no issue with the defaults', () => {
    expect(codesOf({})).toEqual([])
  })
})

describe('every code', () => {
  // A draft per code (the type wants one for each): a code no draft can produce is dead.
  const EXAMPLES: Record<SessionIssueCode, Partial<SessionDraft>> = {
    PACING_EXCEEDS_TIMEOUT: { pacingMs: 10_000, phaseTimeoutMs: 2000 },
    IDLE_BOT_TOO_LATE: { idleBotAfterMs: 30_000 },
    FAULTS_TOO_MANY: { faultyNodes: 4 },
    ONE_HONEST_REQUIRED: { faults: { 0: 'silent', 1: 'silent', 2: 'silent', 3: 'silent' } },
    FAULTS_MAP_OVERRIDES: { faults: { 1: 'silent' }, faultyNodes: 2 },
    FAULTS_EXCEED_BOUND: { faultyNodes: 2 },
    FAULTS_EXCEED_LIVENESS_BOUND: { faults: { 0: 'crash', 1: 'silent' } },
    NOT_3F_PLUS_1: { nodeCount: 6 },
    SEATS_KEPT_FOR_BOTS: { robotNodes: 1 },
  }

  it.each(SESSION_ISSUE_CODES)('%s is produced, with its severity', (code) => {
    const found = issuesOf(EXAMPLES[code]).find((issue) => issue.code === code)
    expect(found?.severity).toBe(SESSION_ISSUE_SEVERITY[code])
  })

  it('lists exactly the codes of the severity table', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...SESSION_ISSUE_CODES].sort())
  })
})
