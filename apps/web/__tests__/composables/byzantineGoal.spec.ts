import { afterEach, describe, expect, it } from 'vitest'
import type { ByzantineOptions, FaultKind, ReplicaView } from '@pbft/protocol'
import { useSentences } from '../../src/composables/useSentences'
import { useI18n } from '../../src/i18n'
import { goalBrief, goalOf, goalResult } from '../../src/session/byzantineGoal'
import { replicaView, roundOutcome as outcome } from '../participant/fakeSocket'

afterEach(() => {
  useI18n().locale.value = 'en'
})

function byzantine(kind: FaultKind, overrides: Partial<ReplicaView> = {}): ReplicaView {
  const options: ByzantineOptions = { kind, proposal: 'tea', conflictingValue: 'tea′', defaultValues: {}, canTamper: kind === 'tamper' }
  return replicaView({ isByzantine: true, fault: kind, byzantine: options, phase: 'done', ...overrides })
}

function said(view: ReplicaView, ...args: Parameters<typeof outcome>): { worked: boolean; text: string } {
  const result = goalResult(view, outcome(...args))
  if (!result) throw new Error('no result')
  return { worked: result.worked, text: useSentences().say(result.sentence) }
}

describe('a Byzantine student’s goal', () => {
  it('depends on the fault kind; an honest seat has none', () => {
    expect(goalOf('equivocate')).toBe('split')
    expect(goalOf('wrong-value')).toBe('split')
    expect(goalOf('silent')).toBe('stall')
    expect(goalOf('tamper')).toBe('forge')
    expect(goalOf('honest')).toBeNull()
    expect(goalBrief(replicaView())).toBeNull()
    const { say } = useSentences()
    const brief = goalBrief(byzantine('equivocate'))!
    expect(say(brief.aim)).toBe('Make two honest participants decide different values.')
    expect(say(goalBrief(byzantine('silent'))!.aim)).toBe('Stop the round from deciding anything.')
    expect(say(goalBrief(byzantine('tamper'))!.aim)).toBe('Get a forged value accepted.')
    useI18n().locale.value = 'zh-CN'
    expect(say(brief.aim)).toBe('让两个诚实的参与者决定不同的值。')
  })

  it('splitting: worked on a safety violation; otherwise says why not, with k', () => {
    const split = said(byzantine('equivocate'), { safetyViolation: true, decidedValue: null, decidedValues: ['tea', 'tea′'] })
    expect(split).toEqual({ worked: true, text: 'Honest participants decided different values, tea and tea′: safety is broken.' })
    const agreed = said(byzantine('equivocate', { snapshot: { ...replicaView().snapshot!, prepareQuorum: 3 } }), { decidedValue: 'tea', decidedValues: ['tea'] })
    expect(agreed.worked).toBe(false)
    expect(agreed.text).toBe(
      'Every honest participant that decided chose tea. An honest participant counts only prepares that match what it got from the proposer, and needed 3 of them from different participants: you alone could give only 1.',
    )
    // A lying primary that told everyone the same value: they agreed on it.
    const primary = byzantine('wrong-value', {
      role: 'primary',
      nodeId: 0,
      sent: [1, 2, 3].map((to) => ({ index: to, phase: 'pre-prepare' as const, to, value: 'tea′' })),
    })
    expect(said(primary, { decidedValue: 'tea′', decidedValues: ['tea′'] }).text).toMatch(/^You sent the same proposal to everyone, so the honest participants all decided tea′ together\./)
    expect(said(byzantine('equivocate'), { success: false, decidedValue: null, decidedValues: [] }).text).toMatch(/^No honest participant decided anything/)
  })

  it('stalling: worked when the round did not succeed; otherwise how many decided without it', () => {
    expect(said(byzantine('silent'), { success: false, decidedValue: null, decidedValues: [], sets: { prePrepared: 4, prepared: 0, committed: 0 } })).toEqual({
      worked: true,
      text: 'The round decided nothing.',
    })
    expect(said(byzantine('silent'), { success: false, sets: { prePrepared: 4, prepared: 3, committed: 2 } }).text).toBe('Only 2 honest participants decided, and 3 were needed.')
    expect(said(byzantine('silent'), { sets: { prePrepared: 3, prepared: 3, committed: 3 } })).toEqual({
      worked: false,
      text: '3 honest participants decided lunch without you: 3 were enough. Each needed 2 matching confirms from others, and there were enough others.',
    })
  })

  it('forging: worked when a forged value was decided; otherwise caught or not counted', () => {
    expect(said(byzantine('tamper'), { decidedValue: 'tea*', decidedValues: ['tea*'] })).toEqual({ worked: true, text: 'Honest participants decided your forged value tea*.' })
    expect(said(byzantine('tamper'), { messages: { sent: 30, delivered: 30, dropped: 0, rejected: 6 } })).toEqual({
      worked: false,
      text: 'Your forged messages were caught by their signatures and rejected: 6.',
    })
    expect(said(byzantine('tamper')).text).toBe('Your forged messages did not match what the others had, so nobody counted them.')
    useI18n().locale.value = 'zh-CN'
    expect(said(byzantine('tamper'), { messages: { sent: 30, delivered: 30, dropped: 0, rejected: 6 } }).text).toBe('你伪造的消息被签名识破并拒收：6 条。')
  })

  it('gives no result to an honest seat', () => {
    expect(goalResult(replicaView(), outcome())).toBeNull()
  })
})
