import { beforeEach, describe, expect, it } from 'vitest'
import { forgetSeat, loadSeat, saveSeat, seatTokenKey } from '../../src/session/seatToken'

beforeEach(() => localStorage.clear())

describe('seat tokens', () => {
  it('are kept per session, whatever the case of the code', () => {
    saveSeat({ sessionId: 'k7px2m', nodeId: 2, seatToken: 'tok-a' })
    saveSeat({ sessionId: 'ABCDEF', nodeId: 0, seatToken: 'tok-b' })
    expect(seatTokenKey('k7px2m')).toBe('pbft.seat.K7PX2M')
    expect(loadSeat('K7PX2M')).toEqual({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'tok-a' })
    expect(loadSeat(' k7px2m ')).toEqual({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'tok-a' })
    expect(loadSeat('ABCDEF')?.seatToken).toBe('tok-b')
    expect(loadSeat('ZZZZZZ')).toBeNull()
  })

  it('replaces a seat and forgets it', () => {
    saveSeat({ sessionId: 'K7PX2M', nodeId: 2, seatToken: 'old' })
    saveSeat({ sessionId: 'K7PX2M', nodeId: 3, seatToken: 'new' })
    expect(loadSeat('K7PX2M')).toMatchObject({ nodeId: 3, seatToken: 'new' })
    forgetSeat('k7px2m')
    expect(loadSeat('K7PX2M')).toBeNull()
  })

  it('treats corrupted entries as no seat', () => {
    localStorage.setItem(seatTokenKey('K7PX2M'), 'not json')
    expect(loadSeat('K7PX2M')).toBeNull()
    localStorage.setItem(seatTokenKey('K7PX2M'), JSON.stringify({ nodeId: -1, seatToken: 'x' }))
    expect(loadSeat('K7PX2M')).toBeNull()
    localStorage.setItem(seatTokenKey('K7PX2M'), JSON.stringify({ nodeId: 1, seatToken: '' }))
    expect(loadSeat('K7PX2M')).toBeNull()
  })

  it('works without storage (private mode)', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied')
      },
      setItem: () => {
        throw new Error('denied')
      },
      removeItem: () => {
        throw new Error('denied')
      },
    }
    expect(() => saveSeat({ sessionId: 'K7PX2M', nodeId: 1, seatToken: 't' }, broken)).not.toThrow()
    expect(loadSeat('K7PX2M', broken)).toBeNull()
    expect(() => forgetSeat('K7PX2M', broken)).not.toThrow()
    expect(loadSeat('K7PX2M', null)).toBeNull()
  })
})
