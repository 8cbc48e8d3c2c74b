import { describe, expect, it } from 'vitest'
import {
  AssignNodeBody,
  BatchExperimentQuery,
  CreateSessionBody,
  HistoryQuery,
  parseSessionDocument,
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
    })
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

  it('parses version 1; a document from before kicks barred anyone gets an empty list of bars', () => {
    expect(parseSessionDocument(document)).toEqual({ ...document, barred: [] })
    const barred = { ...document, barred: [{ nodeId: 2, client: 'c0ffee', at: 5 }] }
    expect(parseSessionDocument(barred)).toEqual(barred)
    expect(() => parseSessionDocument({ ...document, barred: [{ nodeId: 2 }] })).toThrow()
  })

  it('refuses unknown versions and broken logs', () => {
    expect(() => parseSessionDocument({ ...document, v: 2 })).toThrow()
    expect(() => parseSessionDocument({ ...document, current: { ...document.current, log: [{ type: 'jump' }] } })).toThrow()
  })
})
