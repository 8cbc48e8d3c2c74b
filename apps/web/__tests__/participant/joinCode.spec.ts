import { describe, expect, it } from 'vitest'
import { normalizeJoinCode, seatState } from '../../src/composables/useJoin'
import { sessionInfo } from './fakeSocket'

describe('normalizeJoinCode', () => {
  it('upper-cases and trims what was typed', () => {
    expect(normalizeJoinCode('k7px2m')).toBe('K7PX2M')
    expect(normalizeJoinCode('  K7px2M \n')).toBe('K7PX2M')
    expect(normalizeJoinCode('k7p x2m')).toBe('K7PX2M')
    expect(normalizeJoinCode('K7P-X2M')).toBe('K7PX2M')
  })

  it('takes the code out of a pasted join link', () => {
    expect(normalizeJoinCode('http://192.168.1.20:3000/join/k7px2m')).toBe('K7PX2M')
    expect(normalizeJoinCode('https://pbft.example/join/AB12CD?x=1')).toBe('AB12CD')
  })

  it('refuses what cannot be a code', () => {
    expect(normalizeJoinCode('')).toBeNull()
    expect(normalizeJoinCode('   ')).toBeNull()
    expect(normalizeJoinCode('K7PX2M!')).toBeNull()
    expect(normalizeJoinCode('会话')).toBeNull()
    expect(normalizeJoinCode('A'.repeat(33))).toBeNull()
  })
})

describe('seatState', () => {
  it('tells free, taken and bot-kept seats apart', () => {
    expect(sessionInfo().seats.map(seatState)).toEqual(['free', 'taken', 'free', 'reserved'])
  })
})
