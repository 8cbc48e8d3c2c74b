import { describe, expect, it } from 'vitest'
import { ValuePalette } from '../../src/session/valueColours'
import { tellOutcome, type StoryLine } from '../../src/story/outcomeStory'
import { replicaList, storySentence } from '../../src/story/storyText'
import { translate, type Locale } from '../../src/i18n'
import { allToAll, message, outcome, row, silentReplicaRound } from './storyFixtures'

const say = (lines: StoryLine[], locale: Locale = 'en', proposal = 'blue'): string[] => {
  const format = { t: (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate(locale, key, params), locale, palette: new ValuePalette(proposal) }
  return lines.map((line) => storySentence(line, format))
}

/** Engine notation the projector must not show outside "details". */
const NOTATION = /N[pc]{0,2}p?=\d|N-f=/
/** Three Latin words in a row: an English sentence. */
const ENGLISH_RUN = /[A-Za-z]+[\s,.;:]+[A-Za-z]+[\s,.;:]+[A-Za-z]+/

describe('tellOutcome', () => {
  it('tells the issue’s example: a silent replica leaves the others one prepare short', () => {
    const story = tellOutcome(silentReplicaRound())
    expect(story.verdict).toBe('failure')
    expect(story.failurePhase).toBe('prepare')
    expect(say(story.lines)).toEqual([
      'Byzantine replica 3 stayed silent, so replicas 1 and 2 each saw only 1 of the 2 prepares they needed.',
      'Only 1 of 4 replicas got through the Prepare phase, and 3 were needed.',
    ])
  })

  it('says the same in Chinese, without engine notation or an English sentence', () => {
    const sentences = say(tellOutcome(silentReplicaRound()).lines, 'zh-CN')
    expect(sentences).toEqual(['拜占庭副本 3 保持沉默，因此副本 1和2 各自只收到了所需 2 条准备消息中的 1 条。', '4 个副本中只有 1 个通过了准备阶段，而需要 3 个。'])
    for (const sentence of sentences) {
      expect(sentence).not.toMatch(NOTATION)
      expect(sentence).not.toMatch(ENGLISH_RUN)
    }
  })

  it('blames lost proposals when the pre-prepare phase falls short', () => {
    const rows = [row(0, { accepted: 'blue' }), row(1, { accepted: 'blue' }), row(2), row(3)]
    const trace = allToAll('pre-prepare', [0], [0, 1, 2, 3], (_from, to) => (to >= 2 ? { status: 'dropped', counted: false } : {}))
    const story = tellOutcome({ rows, trace, outcome: outcome({ failure: { phase: 'pre-prepare', reason: 'x' }, sets: { prePrepared: 2, prepared: 0, committed: 0 } }) })
    expect(story.failurePhase).toBe('pre-prepare')
    expect(say(story.lines)).toEqual([
      '2 of the 2 proposals sent to them were lost on the way, so replicas 2 and 3 never received the proposal.',
      'Only 2 of 4 replicas got through the Pre-prepare phase, and 3 were needed.',
    ])
  })

  it('names a silent primary', () => {
    const rows = [row(0, { fault: 'silent' }), row(1), row(2), row(3)]
    const story = tellOutcome({ rows, trace: [], outcome: outcome({ failure: { phase: 'pre-prepare', reason: 'x' }, sets: { prePrepared: 0, prepared: 0, committed: 0 } }) })
    expect(say(story.lines)[0]).toBe('The primary (replica 0) sent no proposal, so no replica could start.')
  })

  it('says when there are more Byzantine replicas than PBFT tolerates', () => {
    const rows = [row(0, { accepted: 'blue' }), row(1, { accepted: 'blue' }), row(2, { fault: 'silent' }), row(3, { fault: 'silent' })]
    const story = tellOutcome({ rows, trace: [], outcome: outcome({ failure: { phase: 'prepare', reason: 'x' }, sets: { prePrepared: 2, prepared: 0, committed: 0 } }) })
    expect(say(story.lines)[0]).toBe('Only 2 of 4 replicas are honest, but 3 must commit: 2 Byzantine replicas are more than the 1 that PBFT tolerates.')
  })

  it('counts lost commits, forged messages and values that did not match', () => {
    const rows = [
      row(0, { accepted: 'blue', prepares: 2, prepared: true, commits: 2, committed: true, decided: 'blue' }),
      row(1, { accepted: 'blue', prepares: 2, prepared: true, commits: 1 }),
      row(2, { accepted: 'blue', prepares: 2, prepared: true, commits: 1 }),
      row(3, { accepted: 'blue', prepares: 2, prepared: true, commits: 2, committed: true, decided: 'blue' }),
    ]
    const trace = [
      ...allToAll('commit', [0, 3], [0, 1, 2, 3], (_from, to) => (to === 1 || to === 2 ? { status: 'dropped', counted: false } : {})),
      message('commit', 1, 2, { status: 'rejected', counted: false, deliveredValue: 'blue*' }),
      message('commit', 2, 1, { counted: false, ignoredReason: 'value-mismatch', value: 'blue′', deliveredValue: 'blue′' }),
    ]
    const story = tellOutcome({ rows, trace, outcome: outcome({ failure: { phase: 'commit', reason: 'x' }, sets: { prePrepared: 4, prepared: 4, committed: 2 } }) })
    expect(say(story.lines)[0]).toBe(
      '4 of the 6 commits sent to them were lost on the way and 1 commit was altered on the way and rejected, so replicas 1 and 2 each saw only 1 of the 2 commits they needed.',
    )
  })

  it('sums up a large class in one range instead of a hundred names', () => {
    const ids = Array.from({ length: 40 }, (_, id) => id)
    const rows = ids.map((id) => row(id, { accepted: 'blue', prepares: id < 5 ? 26 : 20 + (id % 5), prepared: id < 5, prepareQuorum: 26 }))
    // Every backup sends its prepares; some to the short replicas are lost.
    const trace = allToAll('prepare', ids.slice(1), ids, (from, to) => (to >= 5 && (from + to) % 7 === 0 ? { status: 'dropped', counted: false } : {}))
    const story = tellOutcome({ rows, trace, outcome: outcome({ nodes: 40, f: 13, failure: { phase: 'prepare', reason: 'x' }, sets: { prePrepared: 40, prepared: 5, committed: 0 } }) })
    const [first] = say(story.lines)
    expect(first).toMatch(/^\d+ of the \d+ prepares sent to them were lost on the way, so 35 replicas saw only 20 to 24 of the 26 prepares they needed\.$/)
  })

  it('tells a success with the value and what it survived', () => {
    const rows = [0, 1, 2].map((id) => row(id, { accepted: 'blue', prepared: true, committed: true, decided: 'blue' }))
    rows.push(row(3, { fault: 'wrong-value' }))
    const story = tellOutcome({ rows, trace: [], outcome: outcome({ success: true, decidedValue: 'blue', decidedValues: ['blue'], sets: { prePrepared: 3, prepared: 3, committed: 3 } }) })
    expect(story.verdict).toBe('success')
    expect(say(story.lines)).toEqual(['3 of 4 replicas committed “blue” (value A); 3 were needed.', 'Byzantine replica 3 could not stop them: the honest replicas were enough.'])
  })

  it('tells a safety violation in its own state: which honest replicas committed which value, and who lied', () => {
    const rows = [
      row(0, { fault: 'equivocate' }),
      row(1, { fault: 'equivocate' }),
      row(2, { accepted: 'blue', prepared: true, committed: true, decided: 'blue' }),
      row(3, { accepted: 'blue′', prepared: true, committed: true, decided: 'blue′' }),
    ]
    const trace = [message('pre-prepare', 0, 2), message('pre-prepare', 0, 3, { value: 'blue′' }), message('prepare', 1, 2), message('prepare', 1, 3, { value: 'blue′' })]
    const story = tellOutcome({ rows, trace, outcome: outcome({ safetyViolation: true, decidedValues: ['blue', 'blue′'], sets: { prePrepared: 2, prepared: 2, committed: 2 } }) })
    expect(story.verdict).toBe('safety')
    expect(story.shownFrom).toBe(1)
    expect(story.decided).toEqual([
      { value: 'blue', replicas: [2] },
      { value: 'blue′', replicas: [3] },
    ])
    expect(say(story.lines)).toEqual([
      'Honest replicas committed different values: replica 2 committed “blue” (value A) and replica 3 committed “blue′” (value B).',
      'Replicas 0 and 1 sent different values to different replicas, and 2 Byzantine replicas are more than the 1 that PBFT tolerates here.',
    ])
    const chinese = say(story.lines, 'zh-CN')
    expect(chinese[0]).toBe('诚实副本提交了不同的值：副本 2 提交了 “blue”（值 A）和副本 3 提交了 “blue′”（值 B）。')
    for (const sentence of chinese) expect(sentence).not.toMatch(ENGLISH_RUN)
  })
})

describe('replicaList', () => {
  const format = (locale: Locale) => ({ t: (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate(locale, key, params), locale })
  it('says one, a few, or many replicas', () => {
    expect(replicaList([4], format('en'))).toBe('replica 4')
    expect(replicaList([1, 2, 3], format('en'))).toBe('replicas 1, 2, and 3')
    expect(replicaList([1, 2, 3], format('zh-CN'))).toBe('副本 1、2和3')
    expect(replicaList([1, 2, 3, 4, 5, 6, 7, 8], format('en'))).toBe('8 replicas (1, 2, 3, 4, 5, …)')
  })
})

describe('tellOutcome with a replica sending the wrong value', () => {
  it('says which value did not count, with its letter', () => {
    // N = 4, replica 3 sends the conflicting value: replicas 1 and 2 see one matching prepare each.
    const rows = [
      row(0, { accepted: 'blue', prepares: 2, prepared: true }),
      row(1, { accepted: 'blue', prepares: 1 }),
      row(2, { accepted: 'blue', prepares: 1 }),
      row(3, { fault: 'wrong-value' }),
    ]
    const trace = [
      ...allToAll('pre-prepare', [0], [0, 1, 2, 3]),
      ...allToAll('prepare', [1, 2], [0, 1, 2]),
      ...allToAll('prepare', [3], [0, 1, 2], () => ({ value: 'blue′', deliveredValue: 'blue′', counted: false, ignoredReason: 'value-mismatch' })),
    ]
    const story = tellOutcome({ rows, trace, outcome: outcome({ failure: { phase: 'prepare', reason: 'x' }, sets: { prePrepared: 3, prepared: 1, committed: 0 } }) })
    expect(say(story.lines)[0]).toBe('2 prepares carried another value, “blue′” (value B), and did not count, so replicas 1 and 2 each saw only 1 of the 2 prepares they needed.')
    expect(say(story.lines, 'zh-CN')[0]).toBe('2 条准备消息携带了另一个值 “blue′”（值 B），没有被计入，因此副本 1和2 各自只收到了所需 2 条准备消息中的 1 条。')
  })
})
