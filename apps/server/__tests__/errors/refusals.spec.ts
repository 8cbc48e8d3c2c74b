import { describe, expect, it } from 'vitest'
import { DOMAIN_ERROR_CODES, DomainError, isDomainErrorCode } from '../../src/errors/domainError'
import { httpStatus, REFUSALS, refusal } from '../../src/errors/refusals'

describe('the one table of refusals', () => {
  it('gives every domain code the status docs/protocol.md promises', () => {
    const byStatus: Record<number, string[]> = {}
    for (const code of DOMAIN_ERROR_CODES) (byStatus[httpStatus(new DomainError(code, 'x'))] ??= []).push(refusal(new DomainError(code, 'x')).code)
    expect(byStatus).toEqual({
      400: ['VALIDATION'],
      401: ['UNAUTHORIZED'],
      403: ['FORBIDDEN', 'NOT_BYZANTINE', 'KICKED', 'NOT_NEW_PRIMARY', 'NOT_CLIENT'],
      404: ['NOT_FOUND'],
      409: ['LOCKED', 'NO_FREE_SEAT', 'SEAT_TAKEN', 'NO_ROUND', 'ROUND_RUNNING', 'ROUND_OVER', 'NOT_PENDING', 'WRONG_PHASE', 'TIMER_RUNNING', 'BUSY', 'CONFLICT'],
      429: ['RATE_LIMITED', 'TOO_MANY_BATCHES', 'TOO_MANY_REPLAYS', 'TOO_MANY_LOOKUPS', 'TOO_MANY_SESSIONS', 'BUSY', 'EXPERIMENT_LIMIT', 'TOO_MANY_READS'],
      503: ['STORAGE', 'SERVER_FULL', 'UNAVAILABLE'],
    })
  })

  it('keeps both BUSY answers: a busy session is a 409, experiments at their cap a 429', () => {
    expect([httpStatus(new DomainError('BUSY', 'x')), refusal(new DomainError('BUSY', 'x')).code]).toEqual([409, 'BUSY'])
    expect([httpStatus(new DomainError('EXPERIMENTS_FULL', 'x')), refusal(new DomainError('EXPERIMENTS_FULL', 'x')).code]).toEqual([429, 'BUSY'])
  })

  it('has an entry for every code and no other, and recognises codes coming back from another instance', () => {
    expect(Object.keys(REFUSALS).sort()).toEqual([...DOMAIN_ERROR_CODES].sort())
    expect(isDomainErrorCode('NOT_FOUND')).toBe(true)
    expect(isDomainErrorCode('INTERNAL')).toBe(false)
  })
})
