import { describe, expect, it } from 'vitest'
import { ActPayload, ClaimPayload, EmptyPayload, SetDeliveryRatePayload, SetFaultPayload, SocketAuth, StartRoundPayload } from '../src/socket'

describe('socket handshake', () => {
  it('is a host, a seat, a guest of a session, or nobody in particular', () => {
    expect(SocketAuth.parse({ sessionId: 'k7px2m', hostToken: 't' })).toEqual({ sessionId: 'K7PX2M', hostToken: 't' })
    expect(SocketAuth.parse({ sessionId: 'K7PX2M', seatToken: 't' })).toEqual({ sessionId: 'K7PX2M', seatToken: 't' })
    expect(SocketAuth.parse({ sessionId: 'K7PX2M' })).toEqual({ sessionId: 'K7PX2M' })
    expect(SocketAuth.parse({})).toEqual({})
  })

  it('refuses two tokens, or a token without its session', () => {
    expect(SocketAuth.safeParse({ sessionId: 'K7PX2M', hostToken: 'a', seatToken: 'b' }).success).toBe(false)
    expect(SocketAuth.safeParse({ hostToken: 'a' }).success).toBe(false)
    expect(SocketAuth.safeParse({ sessionId: 7 }).success).toBe(false)
  })
})

describe('socket payloads', () => {
  it('take nothing where nothing is needed', () => {
    for (const payload of [undefined, null, {}]) {
      expect(EmptyPayload.safeParse(payload).success).toBe(true)
      expect(StartRoundPayload.safeParse(payload).success).toBe(true)
      expect(ActPayload.safeParse(payload).success).toBe(true)
      expect(ClaimPayload.safeParse(payload).success).toBe(true)
    }
    expect(EmptyPayload.safeParse(3).success).toBe(false)
  })

  it('check a Byzantine choice', () => {
    expect(ActPayload.parse({ nodeId: 1, value: 'x', values: { 2: 'y' }, tamper: true })).toEqual({ nodeId: 1, value: 'x', values: { 2: 'y' }, tamper: true })
    expect(ActPayload.safeParse({ value: '' }).success).toBe(false)
    expect(ActPayload.safeParse({ value: 'x'.repeat(65) }).success).toBe(false)
    expect(ActPayload.safeParse({ values: { two: 'y' } }).success).toBe(false)
    expect(ActPayload.safeParse({ tamper: 1 }).success).toBe(false)
  })

  it('bound host settings', () => {
    expect(SetDeliveryRatePayload.safeParse({ messageDeliveryRate: 100 }).success).toBe(true)
    expect(SetDeliveryRatePayload.safeParse({ messageDeliveryRate: 100.5 }).success).toBe(false)
    expect(SetFaultPayload.safeParse({ nodeId: 3, fault: 'tamper' }).success).toBe(true)
    expect(SetFaultPayload.safeParse({ nodeId: 3, fault: 'byzantine' }).success).toBe(false)
    expect(StartRoundPayload.safeParse({ seed: 2 ** 32 }).success).toBe(false)
  })
})
