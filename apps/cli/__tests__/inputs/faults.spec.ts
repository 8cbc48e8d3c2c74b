import { describe, expect, it } from 'vitest'
import { FaultsFlag, parseFaults, silentBackupsOnly, unknownReplica } from '../../src/inputs/faults'

describe('parseFaults', () => {
  it('reads id:kind pairs into a sparse map', () => {
    expect(parseFaults('0:equivocate,3:silent')).toEqual({ 0: 'equivocate', 3: 'silent' })
    expect(parseFaults(' 2:tamper , 1:wrong-value ')).toEqual({ 1: 'wrong-value', 2: 'tamper' })
  })

  it.each([
    ['0', /"0" is not id:kind/],
    ['0:silent:x', /is not id:kind/],
    ['a:silent', /replica id "a" is not an integer >= 0/],
    ['-1:silent', /replica id "-1"/],
    ['0:evil', /unknown fault kind "evil" \(kinds: honest, silent, wrong-value, equivocate, tamper\)/],
    ['1:silent,1:tamper', /replica 1 is given twice/],
  ])('rejects %s', (text, message) => {
    expect(() => parseFaults(text)).toThrow(message)
    const parsed = FaultsFlag.safeParse(text)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toMatch(message)
  })
})

describe('fault checks', () => {
  it('finds ids beyond N', () => {
    expect(unknownReplica({ 0: 'silent', 5: 'tamper' }, 4)).toBe(5)
    expect(unknownReplica({ 3: 'silent' }, 4)).toBeUndefined()
  })

  it('counts silent backups when they are the only Byzantine replicas (the theory then applies)', () => {
    expect(silentBackupsOnly(undefined)).toBe(0)
    expect(silentBackupsOnly({ 1: 'honest' })).toBe(0)
    expect(silentBackupsOnly({ 1: 'honest', 2: 'silent', 3: 'silent' })).toBe(2)
    expect(silentBackupsOnly({ 0: 'silent' })).toBeNull()
    expect(silentBackupsOnly({ 2: 'silent', 3: 'equivocate' })).toBeNull()
  })
})
