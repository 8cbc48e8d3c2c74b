import { afterEach, describe, expect, it } from 'vitest'
import { useSentences } from '../../src/composables/useSentences'
import { useI18n } from '../../src/i18n'
import { tellPhoneOutcome as outcomeStory } from '../../src/story/outcomeStory'
import { replicaView, roundOutcome as outcome } from '../participant/fakeSocket'

afterEach(() => {
  useI18n().locale.value = 'en'
})

/** Engine notation that must never be part of the plain story. */
const ENGINE_NOTATION = /N[pc]{0,2}p?=\d|N-f=/
/** An English sentence (three Latin words in a row). */
const LATIN_RUN = /[A-Za-z]+(?:[\s,.;:'’-]+[A-Za-z]+){2,}/

function tell(story: ReturnType<typeof outcomeStory>): string[] {
  const { say } = useSentences()
  return [...story.reasons, story.mine].map(say)
}

const decided = replicaView({ phase: 'done', snapshot: { ...replicaView().snapshot!, committed: true, decidedValue: 'lunch' } })

describe('the outcome in words', () => {
  it('a success: how many honest replicas decided what, and how many were needed', () => {
    const story = outcomeStory(outcome(), decided)
    expect(story.state).toBe('success')
    expect(tell(story)).toEqual(['4 honest participants decided lunch; 3 were needed.', 'You decided lunch.'])
  })

  it('no decision: the first step that fell short, in plain numbers (never the engine notation), and the losses', () => {
    const failed = outcome({
      success: false,
      failure: { phase: 'prepare', reason: 'prepare: Np=2 < N-f=3' },
      failureReason: 'prepare: Np=2 < N-f=3',
      decidedValue: null,
      decidedValues: [],
      sets: { prePrepared: 4, prepared: 2, committed: 0 },
      messages: { sent: 30, delivered: 25, dropped: 5, rejected: 0 },
    })
    const story = outcomeStory(failed, replicaView({ phase: 'done' }))
    expect(story.state).toBe('no-decision')
    const text = tell(story)
    expect(text).toEqual([
      'Only 2 honest participants got 2 matching prepares; 3 were needed, so the round stopped there.',
      '5 of 30 messages were lost on the way.',
      'You did not decide.',
    ])
    for (const line of text) expect(line).not.toMatch(ENGINE_NOTATION)
    const silentPrimary = outcome({ success: false, failure: { phase: 'pre-prepare', reason: 'x' }, decidedValue: null, decidedValues: [], sets: { prePrepared: 0, prepared: 0, committed: 0 } })
    expect(tell(outcomeStory(silentPrimary, replicaView({ phase: 'done' })))[0]).toBe('No honest participant got the proposal from the proposer; 3 were needed.')
  })

  it('a safety violation: its own state, saying which honest replicas decided which value, "you" first', () => {
    const split = outcome({
      success: true,
      decidedValue: null,
      decidedValues: ['lunch', 'lunch′'],
      safetyViolation: true,
      decidedBy: [
        { value: 'lunch', replicas: [2, 3] },
        { value: 'lunch′', replicas: [1] },
      ],
    })
    const story = outcomeStory(split, decided)
    expect(story.state).toBe('safety')
    expect(tell(story)).toEqual([
      'Honest participants decided different values.',
      'You and participant 3 decided lunch.',
      'Participant 1 decided lunch′.',
      'You decided lunch.',
    ])
    // Outcomes from before `decidedBy` still name the values.
    expect(tell(outcomeStory({ ...split, decidedBy: undefined }, decided))[1]).toBe('They decided lunch and lunch′.')
  })

  it('in 简体中文, with no English sentence', () => {
    useI18n().locale.value = 'zh-CN'
    const failed = outcome({
      success: false,
      failure: { phase: 'commit', reason: 'commit: Nc=2 < N-f=3' },
      failureReason: 'commit: Nc=2 < N-f=3',
      decidedValue: null,
      decidedValues: [],
      sets: { prePrepared: 4, prepared: 3, committed: 2 },
      messages: { sent: 30, delivered: 28, dropped: 2, rejected: 1 },
    })
    const text = tell(outcomeStory(failed, replicaView({ phase: 'done' })))
    expect(text).toEqual(['只有 2 个诚实的参与者收到了 2 条一致的确认消息并做出决定；需要 3 个。', '30 条消息中有 2 条在途中丢失。', '你没有做出决定。'])
    for (const line of text) expect(line).not.toMatch(LATIN_RUN)
  })

  it('a Byzantine replica does not decide', () => {
    expect(outcomeStory(outcome(), replicaView({ isByzantine: true, fault: 'silent' })).mine.key).toBe('participant.node.story.mineByzantine')
  })
})
