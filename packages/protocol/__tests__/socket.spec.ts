import { describe, expect, it } from 'vitest'
import {
  ActPayload,
  ClaimPayload,
  EmptyPayload,
  mergeReplicaView,
  ReplicaView,
  SetDeliveryRatePayload,
  SetFaultPayload,
  SetIdleBotPayload,
  SetQuorumRulePayload,
  SocketAuth,
  StartRoundPayload,
  type ReceivedMessage,
  type SentMessage,
} from '../src/index'

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

describe('live settings events', () => {
  it('take a quorum rule, and an idle-bot delay or null', () => {
    expect(SetQuorumRulePayload.parse({ quorumRule: 'castro-liskov' })).toEqual({ quorumRule: 'castro-liskov' })
    expect(SetQuorumRulePayload.safeParse({ quorumRule: 'Castro-Liskov' }).success).toBe(false)
    expect(SetIdleBotPayload.parse({ idleBotAfterMs: 10_000 })).toEqual({ idleBotAfterMs: 10_000 })
    expect(SetIdleBotPayload.parse({ idleBotAfterMs: null })).toEqual({ idleBotAfterMs: null })
    expect(SetIdleBotPayload.safeParse({}).success).toBe(false)
    expect(SetIdleBotPayload.safeParse({ idleBotAfterMs: 499 }).success).toBe(false)
  })
})

describe('replica view deltas', () => {
  const got = (index: number): ReceivedMessage => ({ index, phase: 'prepare', from: index % 4, value: 'v', status: 'delivered', counted: true, ignoredReason: null })
  const sent = (index: number): SentMessage => ({ index, phase: 'prepare', to: index % 4, value: 'v' })
  const view = (round: number | null, received: number[], receivedFrom: number, sentIndices: number[] = [], sentFrom = 0): ReplicaView =>
    ReplicaView.parse({
      sessionId: 'K7PX2M',
      nodeId: 1,
      name: null,
      role: 'backup',
      fault: 'honest',
      isByzantine: false,
      playedBy: 'human',
      status: 'running',
      round,
      phase: 'prepare',
      phaseDeadline: null,
      snapshot: null,
      received: received.map(got),
      receivedFrom,
      sent: sentIndices.map(sent),
      sentFrom,
      canAct: false,
      action: null,
      canSkip: false,
      recipients: [],
      byzantine: null,
      outcome: null,
      standIns: [],
    })

  it('a whole view (both lists from 0) replaces whatever was held', () => {
    const whole = view(2, [0, 3], 0, [5], 0)
    expect(mergeReplicaView(null, whole)).toBe(whole)
    expect(mergeReplicaView(view(1, [9], 0), whole)).toBe(whole)
  })

  it('a delta keeps the first messages and appends, and a repeated delta is harmless', () => {
    const held = view(2, [0, 3], 0, [5], 0)
    const delta = view(2, [7, 8], 2, [9], 1)
    const merged = mergeReplicaView(held, delta)
    expect(merged?.received.map((m) => m.index)).toEqual([0, 3, 7, 8])
    expect(merged?.sent.map((m) => m.index)).toEqual([5, 9])
    expect(merged).toMatchObject({ receivedFrom: 0, sentFrom: 0 })
    expect(mergeReplicaView(merged, delta)?.received.map((m) => m.index)).toEqual([0, 3, 7, 8])
  })

  it('a delta that cannot be placed asks for the whole view (null)', () => {
    expect(mergeReplicaView(null, view(2, [7], 2))).toBeNull()
    expect(mergeReplicaView(view(1, [0, 3], 0), view(2, [7], 2))).toBeNull()
    expect(mergeReplicaView(view(2, [0], 0), view(2, [7], 2))).toBeNull()
    expect(mergeReplicaView(view(2, [0, 1], 0, []), view(2, [], 2, [4], 1))).toBeNull()
  })

  it('refuses a negative start', () => {
    expect(() => view(2, [], -1)).toThrow()
  })
})
