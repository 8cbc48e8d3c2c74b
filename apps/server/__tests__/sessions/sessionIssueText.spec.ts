import { defaultFaultBound } from '@pbft/engine'
import { CreateSessionBody, SESSION_ISSUE_CODES, sessionIssues, type SessionIssueCode } from '@pbft/protocol'
import { describe, expect, it } from 'vitest'
import { checkIdleBot, faultWarnings, newSessionConfig } from '../../src/sessions/sessionConfig'
import { sessionIssueText } from '../../src/sessions/sessionIssueText'

const config = (body: object) => newSessionConfig(CreateSessionBody.parse({ nodeCount: 4, ...body }))
const refusal = (body: object) => {
  try {
    config(body)
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message }
  }
  return null
}

/**
 * The words of POST /api/sessions since the rules moved to the protocol: clients (and the
 * original web app) match on them, so they stay exactly as they were.
 */
describe('the session rules in the server’s words', () => {
  it('refuses with the same VALIDATION messages', () => {
    expect(refusal({ pacingMs: 10_000, phaseTimeoutMs: 2000 })).toEqual({
      code: 'VALIDATION',
      message:
        'bots would act up to 15000 ms after a phase opens (pacingMs 10000 + stagger 5000), but phases time out after 2000 ms: phaseTimeoutMs must be at least 30000 ms, or pacingMs lower',
    })
    expect(refusal({ idleBotAfterMs: 30_000 })).toEqual({
      code: 'VALIDATION',
      message: 'idleBotAfterMs (30000 ms) must be below phaseTimeoutMs (30000 ms): the bot plays for a human who did not act before the phase times out',
    })
    expect(refusal({ faults: { 0: 'silent', 1: 'tamper', 2: 'equivocate', 3: 'wrong-value' } })).toEqual({
      code: 'VALIDATION',
      message: 'at least one replica must be honest (faultyNodes must be less than nodeCount)',
    })
    // The timing comes first, as before.
    expect(refusal({ pacingMs: 10_000, phaseTimeoutMs: 2000, idleBotAfterMs: 2000 })?.message).toMatch(/^bots would act/)
    expect(() => checkIdleBot({ idleBotAfterMs: 5000, phaseTimeoutMs: 4000 })).toThrow(
      'idleBotAfterMs (5000 ms) must be below phaseTimeoutMs (4000 ms): the bot plays for a human who did not act before the phase times out',
    )
  })

  it('warns in the same words and order', () => {
    expect(config({ nodeCount: 5, faults: { 3: 'silent', 4: 'tamper' }, faultyNodes: 1, robotNodes: 2 }).warnings).toEqual([
      'faults names 2 Byzantine replica(s): faultyNodes and maliciousProposer were ignored',
      '2 Byzantine replicas exceed f = 1: PBFT no longer guarantees safety (colluding replicas can split the honest ones)',
      "N = 5 is not 3f + 1 = 4: the model's fixed 2f quorum is smaller than a Byzantine quorum, so one faulty primary may already split the honest replicas",
      'seats 3..4 are kept for bots (robotNodes = 2)',
    ])
    expect(faultWarnings(5, ['honest', 'silent', 'silent', 'honest', 'honest'], 'castro-liskov')).toEqual([
      '2 Byzantine replicas exceed f = 1: PBFT no longer guarantees safety (colluding replicas can split the honest ones)',
    ])
    // A crashing replica is faulty but not Byzantine: beyond f, liveness is what is lost.
    expect(faultWarnings(4, ['crash', 'silent', 'honest', 'honest'], 'castro-liskov')).toEqual([
      '2 faulty replicas (1 crashing) exceed f = 1: PBFT no longer guarantees that the honest ones decide',
    ])
  })

  it('has words for every code', () => {
    const examples: Record<SessionIssueCode, object> = {
      PACING_EXCEEDS_TIMEOUT: { pacingMs: 10_000, phaseTimeoutMs: 2000 },
      IDLE_BOT_TOO_LATE: { idleBotAfterMs: 30_000, phaseTimeoutMs: 30_000 },
      FAULTS_TOO_MANY: { faultyNodes: 4 },
      ONE_HONEST_REQUIRED: { faults: { 0: 'silent', 1: 'silent', 2: 'silent', 3: 'silent' } },
      FAULTS_MAP_OVERRIDES: { faults: { 1: 'silent' }, faultyNodes: 2 },
      FAULTS_EXCEED_BOUND: { faultyNodes: 2 },
      FAULTS_EXCEED_LIVENESS_BOUND: { faults: { 0: 'crash', 1: 'silent' } },
      NOT_3F_PLUS_1: { nodeCount: 5 },
      SEATS_KEPT_FOR_BOTS: { robotNodes: 1 },
    }
    const base = { nodeCount: 4, pacingMs: 800, phaseTimeoutMs: 30_000, quorumRule: 'original' as const }
    for (const code of SESSION_ISSUE_CODES) {
      const found = sessionIssues({ ...base, ...examples[code] }, defaultFaultBound).find((issue) => issue.code === code)
      expect(found, code).toBeDefined()
      if (found) expect(sessionIssueText(found)).toMatch(/\w{4}/)
    }
    // CreateSessionBody's own check refuses this first, in these words.
    const tooMany = sessionIssues({ ...base, faultyNodes: 4 }, defaultFaultBound)[0]
    expect(tooMany && sessionIssueText(tooMany)).toBe('faultyNodes must be less than nodeCount (4)')
  })
})
