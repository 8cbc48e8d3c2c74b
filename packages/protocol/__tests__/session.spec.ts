import { describe, expect, it } from 'vitest'
import {
  AssignNodeBody,
  BatchExperimentQuery,
  CreateSessionBody,
  DEFAULT_PROPOSAL,
  HistoryQuery,
  parseSessionDocument,
  upgradeHistoryExport,
  UpdateSettingsBody,
  SESSION_ID_ALPHABET,
  SessionId,
} from '../src/session'

describe('CreateSessionBody', () => {
  it('fills in the original system’s defaults', () => {
    expect(CreateSessionBody.parse({ nodeCount: 4 })).toEqual({
      nodeCount: 4,
      robotNodes: 0,
      topology: 'full',
      branchCount: 2,
      proposalValue: 0,
      proposalContent: 'the proposal',
      maliciousProposer: false,
      allowTampering: false,
      messageDeliveryRate: 100,
      pacingMs: 800,
      phaseTimeoutMs: 30_000,
      phaseGapMs: 400,
      botTakeover: false,
      authentication: true,
      quorumRule: 'original',
      idleBotAfterMs: null,
      maxViews: 4,
      viewTimeoutMs: 10_000,
      clientSeat: null,
      preset: null,
    })
  })

  it('takes the quorum rule and the idle bot, and refuses what is not one', () => {
    expect(CreateSessionBody.parse({ nodeCount: 4, quorumRule: 'castro-liskov', idleBotAfterMs: 10_000 })).toMatchObject({
      quorumRule: 'castro-liskov',
      idleBotAfterMs: 10_000,
    })
    expect(CreateSessionBody.parse({ nodeCount: 4, idleBotAfterMs: null }).idleBotAfterMs).toBeNull()
    const rule = CreateSessionBody.safeParse({ nodeCount: 4, quorumRule: 'paper' })
    expect(rule.error?.issues[0]?.message).toBe('expected "original" or "castro-liskov", got "paper"')
    expect(CreateSessionBody.safeParse({ nodeCount: 4, idleBotAfterMs: 10 }).error?.issues[0]?.path).toEqual(['idleBotAfterMs'])
    expect(CreateSessionBody.safeParse({ nodeCount: 4, idleBotAfterMs: 1.5e3 + 0.5 }).success).toBe(false)
  })

  it('takes an empty proposal (the original system’s default) as the default proposal', () => {
    expect(CreateSessionBody.parse({ nodeCount: 4, proposalContent: '' }).proposalContent).toBe(DEFAULT_PROPOSAL)
    expect(CreateSessionBody.parse({ nodeCount: 4, proposalContent: '   ' }).proposalContent).toBe('the proposal')
    expect(CreateSessionBody.parse({ nodeCount: 4, proposalContent: ' blue ' }).proposalContent).toBe('blue')
    expect(CreateSessionBody.safeParse({ nodeCount: 4, proposalContent: 'x'.repeat(65) }).success).toBe(false)
  })

  it('drops unknown fields (the original web app sends some) and keeps faults', () => {
    const body = CreateSessionBody.parse({ nodeCount: 7, faults: { 0: 'equivocate', 6: 'tamper' }, legacy: true, proposalValue: 'A' })
    expect(body).not.toHaveProperty('legacy')
    expect(body.faults).toEqual({ 0: 'equivocate', 6: 'tamper' })
    expect(body.proposalValue).toBe('A')
  })

  it.each([
    [{ nodeCount: 4, faultyNodes: 4 }, 'faultyNodes'],
    [{ nodeCount: 4, robotNodes: 5 }, 'robotNodes'],
    [{ nodeCount: 4, faults: { 4: 'silent' } }, 'faults'],
    [{ nodeCount: 4, faults: { x: 'silent' } }, 'faults'],
    [{ nodeCount: 4, topology: 'mesh' }, 'topology'],
    [{ nodeCount: 4, messageDeliveryRate: -1 }, 'messageDeliveryRate'],
    [{ nodeCount: 4, phaseTimeoutMs: 10 }, 'phaseTimeoutMs'],
  ])('refuses %j (%s)', (input, field) => {
    const parsed = CreateSessionBody.safeParse(input)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.path[0]).toBe(field)
  })
})

describe('session codes', () => {
  it('have no look-alike characters', () => {
    expect(SESSION_ID_ALPHABET).not.toMatch(/[01IOL]/)
  })

  it('are matched case-insensitively and trimmed', () => {
    expect(SessionId.parse(' k7px2m ')).toBe('K7PX2M')
    expect(SessionId.safeParse('K7/../x').success).toBe(false)
  })
})

describe('queries and small bodies', () => {
  it('assign-node takes nothing, null or a seat', () => {
    expect(AssignNodeBody.parse(undefined)).toEqual({})
    expect(AssignNodeBody.parse(null)).toEqual({})
    expect(AssignNodeBody.parse({ nodeId: 3, name: ' Ada ' })).toEqual({ nodeId: 3, name: 'Ada' })
  })

  it('batch rounds are text in a query, 1..100000', () => {
    expect(BatchExperimentQuery.parse({})).toEqual({ rounds: 30 })
    expect(BatchExperimentQuery.parse({ rounds: '10000', seed: '3' })).toEqual({ rounds: 10000, seed: 3 })
    expect(BatchExperimentQuery.safeParse({ rounds: '100001' }).success).toBe(false)
    expect(HistoryQuery.parse({ round: '2' })).toEqual({ round: 2 })
  })
})

describe('the persisted session document', () => {
  const document = {
    v: 1,
    id: 'K7PX2M',
    createdAt: 1,
    hostTokenHash: 'a'.repeat(64),
    settings: {
      nodeCount: 4,
      robotNodes: 0,
      topology: 'full',
      branchCount: 2,
      proposalValue: 0,
      proposalContent: 'v',
      allowTampering: false,
      messageDeliveryRate: 100,
      pacingMs: 10,
      phaseTimeoutMs: 1000,
      phaseGapMs: 0,
      botTakeover: false,
      authentication: true,
    },
    seats: [0, 1, 2, 3].map((id) => ({ id, fault: 'honest', holder: 'bot', name: null, tokenHash: null, claimedAt: null })),
    locked: false,
    nextRound: 2,
    rounds: [],
    current: {
      round: 1,
      seed: 9,
      startedAt: 1,
      faults: ['honest', 'honest', 'honest', 'honest'],
      p: 1,
      proposal: 'v',
      authentication: true,
      log: [
        { type: 'act', replica: 0, by: 'bot', at: 10 },
        { type: 'close', reason: 'complete', at: 12 },
        { type: 'rate', p: 0.5, at: 13 },
        { type: 'act', replica: 1, by: 'human', at: 20, choice: { values: { 2: 'x' } } },
      ],
    },
  }

  /** What a document of before quorum rules reads as: the original rule everywhere. */
  const { v: _v, ...unversioned } = document
  const migrated = {
    ...unversioned,
    schemaVersion: 2,
    settings: { ...document.settings, quorumRule: 'original', idleBotAfterMs: null, maxViews: 4, viewTimeoutMs: 10_000, clientSeat: null, preset: null },
    current: { ...document.current, quorumRule: 'original' },
  }

  it('parses version 1; a document from before kicks barred anyone gets an empty list of bars', () => {
    expect(parseSessionDocument(document)).toEqual({ ...migrated, barred: [] })
    const barred = { ...document, barred: [{ nodeId: 2, client: 'c0ffee', at: 5 }] }
    expect(parseSessionDocument(barred)).toEqual({ ...migrated, barred: barred.barred })
    expect(() => parseSessionDocument({ ...document, barred: [{ nodeId: 2 }] })).toThrow()
  })

  it('reads a session, its rounds and their outcomes stored before quorum rules as played by the original rule', () => {
    const outcome = {
      round: 1,
      seed: 9,
      nodes: 5,
      f: 1,
      success: false,
      failure: { phase: 'commit', reason: 'safety: honest replicas committed v and v′' },
      failureReason: 'safety: honest replicas committed v and v′',
      decidedValue: null,
      decidedValues: ['v', 'v′'],
      safetyViolation: true,
      sets: { prePrepared: 4, prepared: 4, committed: 4 },
      messages: { sent: 40, delivered: 40, dropped: 0, rejected: 0 },
    }
    const finished = { ...document.current, finishedAt: 30, aborted: false, outcome }
    const success = { ...finished, round: 2, outcome: { ...outcome, round: 2, success: true, failure: null, failureReason: null, safetyViolation: false } }
    const failure = { ...finished, round: 3, outcome: { ...outcome, round: 3, failure: { phase: 'prepare', reason: 'prepare: Np=3 < N-f=4' }, safetyViolation: false } }
    const parsed = parseSessionDocument({ ...document, current: null, rounds: [finished, success, failure, { ...finished, round: 4, aborted: true, outcome: null }] })
    expect(parsed.settings.quorumRule).toBe('original')
    expect(parsed.rounds.map((round) => round.quorumRule)).toEqual(['original', 'original', 'original', 'original'])
    expect(parsed.rounds.map((round) => round.outcome?.outcome ?? null)).toEqual(['safety-violated', 'success', 'no-decision', null])
    expect(parsed.rounds[0]?.outcome?.quorumRule).toBe('original')
    // What a round was played with is kept, whatever the session's rule is now.
    const kept = parseSessionDocument({
      ...document,
      settings: { ...document.settings, quorumRule: 'original' },
      current: null,
      rounds: [{ ...finished, quorumRule: 'castro-liskov', outcome: { ...outcome, outcome: 'safety-violated', quorumRule: 'castro-liskov' } }],
    })
    expect(kept.rounds[0]?.quorumRule).toBe('castro-liskov')
    expect(kept.rounds[0]?.outcome?.quorumRule).toBe('castro-liskov')
  })

  it('keeps who a bot played for in the log', () => {
    const standIn = { type: 'act', replica: 2, by: 'bot', at: 10_000, standIn: { reason: 'idle', name: 'Ana' } }
    const parsed = parseSessionDocument({ ...document, current: { ...document.current, log: [standIn] } })
    expect(parsed.current?.log[0]).toEqual(standIn)
    expect(() => parseSessionDocument({ ...document, current: { ...document.current, log: [{ ...standIn, standIn: { reason: 'bored', name: null } }] } })).toThrow()
  })

  it('refuses unknown versions and broken logs', () => {
    expect(() => parseSessionDocument({ ...document, v: 2 })).toThrow()
    expect(() => parseSessionDocument({ ...document, current: { ...document.current, log: [{ type: 'jump' }] } })).toThrow()
  })
})

describe('views in the stored document and the history export (schemaVersion 2)', () => {
  const round = {
    round: 1,
    seed: 9,
    startedAt: 1,
    faults: ['honest', 'honest', 'honest', 'honest'],
    p: 1,
    proposal: 'v',
    authentication: true,
    quorumRule: 'original',
    log: [],
    finishedAt: 2,
    aborted: false,
    outcome: null,
  }

  it('a v1 round reads as a classic round that ended in view 0 without a client; a v2 document keeps its views', () => {
    const v1 = upgradeHistoryExport({ sessionId: 'K7PX2M', rounds: [round] })
    expect(v1).toMatchObject({ schemaVersion: 2, rounds: [{ view: 0, primary: 0, viewChanges: 0, clientAccepted: false }] })
    expect(v1).not.toHaveProperty('rounds.0.maxViews')
    const withViews = { ...round, maxViews: 4, view: 1, primary: 1, viewChanges: 1, clientAccepted: true }
    expect(upgradeHistoryExport({ sessionId: 'K7PX2M', schemaVersion: 2, rounds: [withViews] })).toMatchObject({ rounds: [{ view: 1, primary: 1, maxViews: 4 }] })
    const trace = upgradeHistoryExport({ sessionId: 'K7PX2M', round, trace: [] })
    expect(trace).toMatchObject({ round: { view: 0, clientAccepted: false }, trace: [], schemaVersion: 2 })
    expect(() => upgradeHistoryExport({ sessionId: 'K7PX2M', schemaVersion: 3, rounds: [] })).toThrow()
    expect(() => upgradeHistoryExport({ rounds: [] })).toThrow()
  })

  it('a document of the latest version parses as it is, and a later version is refused', () => {
    const document = {
      schemaVersion: 2,
      id: 'K7PX2M',
      createdAt: 1,
      hostTokenHash: 'h',
      settings: CreateSessionBody.parse({ preset: 'silent-primary' }),
      seats: [],
      locked: false,
      nextRound: 2,
      rounds: [{ ...round, maxViews: 4, viewTimeoutMs: 1000, clientSeat: null, view: 1, primary: 1, viewChanges: 1, clientAccepted: true }],
      current: null,
      barred: [],
    }
    const parsed = parseSessionDocument(document)
    expect(parsed.rounds[0]).toMatchObject({ maxViews: 4, view: 1, primary: 1, viewChanges: 1, clientAccepted: true })
    expect(parsed.settings).toMatchObject({ maxViews: 4, preset: 'silent-primary' })
    expect(() => parseSessionDocument({ ...document, schemaVersion: 3 })).toThrow()
  })

  it('takes the view settings and refuses what is out of range', () => {
    expect(CreateSessionBody.parse({ nodeCount: 4, maxViews: 1, viewTimeoutMs: 200, clientSeat: 3 })).toMatchObject({ maxViews: 1, viewTimeoutMs: 200, clientSeat: 3 })
    for (const [field, value] of [
      ['maxViews', 0],
      ['maxViews', 11],
      ['maxViews', 2.5],
      ['viewTimeoutMs', 199],
      ['viewTimeoutMs', 600_001],
      ['clientSeat', 4],
      ['clientSeat', -1],
    ] as const) {
      const parsed = CreateSessionBody.safeParse({ nodeCount: 4, [field]: value })
      expect(parsed.error?.issues[0]?.path, `${field} ${value}`).toEqual([field])
    }
    expect(CreateSessionBody.parse({ nodeCount: 4, faults: { 0: 'crash' } }).faults).toEqual({ 0: 'crash' })
    expect(UpdateSettingsBody.parse({ maxViews: 2, viewTimeoutMs: 5000 })).toEqual({ maxViews: 2, viewTimeoutMs: 5000 })
  })
})

describe('live settings', () => {
  it('takes the quorum rule, the idle bot or both, and nothing else', () => {
    expect(UpdateSettingsBody.parse({ quorumRule: 'castro-liskov' })).toEqual({ quorumRule: 'castro-liskov' })
    expect(UpdateSettingsBody.parse({ idleBotAfterMs: null })).toEqual({ idleBotAfterMs: null })
    expect(UpdateSettingsBody.safeParse({}).error?.issues[0]?.message).toBe('send at least one of quorumRule, idleBotAfterMs, maxViews and viewTimeoutMs')
    expect(UpdateSettingsBody.safeParse({ botTakeover: true }).error?.issues[0]?.message).toMatch(/^unknown field "botTakeover"/)
    expect(UpdateSettingsBody.safeParse({ idleBotAfterMs: 100 }).success).toBe(false)
  })
})
