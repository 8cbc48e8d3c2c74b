import { beforeEach, describe, expect, it } from 'vitest'
import { forgetHostToken, isSessionCode, lastHostedSession, loadHostToken, saveHostToken } from '../../src/session/hostToken'

describe('the host token store', () => {
  beforeEach(() => localStorage.clear())

  it('keeps the token and join URL per session, case-insensitively', () => {
    saveHostToken({ sessionId: 'k7px2m', hostToken: 'secret', joinUrl: 'http://192.168.1.20:3000/join/K7PX2M' }, localStorage, 5)
    expect(loadHostToken('K7PX2M', localStorage)).toEqual({
      sessionId: 'K7PX2M',
      hostToken: 'secret',
      joinUrl: 'http://192.168.1.20:3000/join/K7PX2M',
      savedAt: 5,
    })
    expect(loadHostToken('k7px2m', localStorage)?.hostToken).toBe('secret')
    expect(loadHostToken('AAAAAA', localStorage)).toBeNull()
    expect(lastHostedSession(localStorage)).toBe('K7PX2M')
  })

  it('keeps several sessions apart and forgets one', () => {
    saveHostToken({ sessionId: 'AAAAAA', hostToken: 'a' })
    saveHostToken({ sessionId: 'BBBBBB', hostToken: 'b' })
    expect(loadHostToken('AAAAAA')?.hostToken).toBe('a')
    expect(lastHostedSession()).toBe('BBBBBB')
    forgetHostToken('BBBBBB')
    expect(loadHostToken('BBBBBB')).toBeNull()
    expect(lastHostedSession()).toBeNull()
    expect(loadHostToken('AAAAAA')?.hostToken).toBe('a')
  })

  it('ignores damaged entries and works without storage', () => {
    localStorage.setItem('pbft.host.CCCCCC', '{not json')
    localStorage.setItem('pbft.host.DDDDDD', JSON.stringify({ hostToken: '' }))
    expect(loadHostToken('CCCCCC')).toBeNull()
    expect(loadHostToken('DDDDDD')).toBeNull()
    expect(() => saveHostToken({ sessionId: 'EEEEEE', hostToken: 'e' }, null)).not.toThrow()
    expect(loadHostToken('EEEEEE', null)).toBeNull()
    expect(lastHostedSession(null)).toBeNull()
  })

  it('survives a storage that throws', () => {
    const broken = {
      getItem() {
        throw new Error('denied')
      },
      setItem() {
        throw new Error('denied')
      },
      removeItem() {
        throw new Error('denied')
      },
    } as unknown as Storage
    expect(() => saveHostToken({ sessionId: 'AAAAAA', hostToken: 'a' }, broken)).not.toThrow()
    expect(loadHostToken('AAAAAA', broken)).toBeNull()
    expect(() => forgetHostToken('AAAAAA', broken)).not.toThrow()
  })

  it('recognises session codes', () => {
    expect(isSessionCode('K7PX2M')).toBe(true)
    expect(isSessionCode('k7px2m')).toBe(true)
    expect(isSessionCode('s1')).toBe(false)
    expect(isSessionCode('K0PX2M')).toBe(false)
    expect(isSessionCode(undefined)).toBe(false)
  })
})
