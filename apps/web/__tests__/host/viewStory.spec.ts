import { describe, expect, it } from 'vitest'
import { runRound } from '@pbft/engine'
import type { TracedMessage } from '@pbft/protocol'
import { liveStageViews, replayStageViews, timerAt } from '../../src/components/stage/stageViews'
import { replayCounters } from '../../src/composables/useReplayCounters'
import { translate, type Locale } from '../../src/i18n'
import { ValuePalette } from '../../src/session/valueColours'
import { tellOutcome, type StoryLine } from '../../src/story/outcomeStory'
import { storySentence } from '../../src/story/storyText'
import { message, outcome, row } from './storyFixtures'

const say = (lines: StoryLine[], locale: Locale = 'en'): string[] => {
  const format = { t: (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate(locale, key, params), locale, palette: new ValuePalette('blue') }
  return lines.map((line) => storySentence(line, format))
}
const NOTATION = /N[pc]{0,2}p?=\d|N-f=/
const ENGLISH_RUN = /[A-Za-z]+[\s,.;:]+[A-Za-z]+[\s,.;:]+[A-Za-z]+/
const CLIENT = { sent: 5, delivered: 8, dropped: 0, rejected: 0 }

/** N = 4, primary 0 silent: view 1 with primary 1 decided blue, the client accepted. */
function replacedPrimaryRound() {
  const rows = [row(0, { fault: 'silent', honest: false }), row(1, { primary: true, accepted: 'blue', committed: true, decided: 'blue' }), row(2, { committed: true, decided: 'blue', accepted: 'blue' }), row(3, { committed: true, decided: 'blue', accepted: 'blue' })]
  const result = outcome({
    success: true,
    decidedValue: 'blue',
    decidedValues: ['blue'],
    sets: { prePrepared: 3, prepared: 3, committed: 3 },
    view: 1,
    primary: 1,
    viewChanges: 1,
    replacedPrimaries: [0],
    maxViews: 4,
    clientAccepted: true,
    clientValue: 'blue',
    clientMessages: CLIENT,
  })
  return { rows, trace: [] as TracedMessage[], outcome: result }
}

describe('the view change in the projector’s story', () => {
  it('says in which view the value was decided and which primary was replaced', () => {
    const story = tellOutcome(replacedPrimaryRound())
    expect(story.verdict).toBe('success')
    expect(say(story.lines)).toEqual([
      '3 of 4 replicas committed “blue” (value A); 3 were needed.',
      'It was decided in view 1, with replica 1 as primary; replica 0 had been replaced.',
    ])
  })

  it('says it in Chinese, without notation or an English sentence', () => {
    const sentences = say(tellOutcome(replacedPrimaryRound()).lines, 'zh-CN')
    expect(sentences[1]).toBe('在视图 1 中做出决定，主节点是副本 1；此前副本 0已被替换。')
    for (const sentence of sentences) {
      expect(sentence).not.toMatch(NOTATION)
      expect(sentence).not.toMatch(ENGLISH_RUN)
    }
  })

  it('tells a refused NEW-VIEW: the honest backups would not take another value from a lying new primary', () => {
    const rows = [row(0, { fault: 'silent', honest: false }), row(1, { fault: 'wrong-value', honest: false, primary: true }), ...[2, 3, 4, 5, 6].map((id) => row(id))]
    const refused = { counted: false, ignoredReason: 'wrong-re-proposal', view: 1, value: 'red' }
    const trace = [2, 3, 4, 5, 6].map((to) => message('new-view', 1, to, refused))
    const result = outcome({
      nodes: 7,
      f: 2,
      failure: { phase: 'pre-prepare', reason: 'pre-prepare: Npp=0 < N-f=3' },
      sets: { prePrepared: 0, prepared: 0, committed: 0 },
      view: 1,
      primary: 1,
      viewChanges: 1,
      replacedPrimaries: [0],
      maxViews: 2,
      clientMessages: CLIENT,
    })
    const story = tellOutcome({ rows, trace, outcome: result })
    expect(story.failurePhase).toBe('pre-prepare')
    expect(say(story.lines)).toEqual([
      'No view decided it: 2 views were tried, and replica 0 had been replaced as primary.',
      'Replicas 2, 3, 4, 5, and 6 refused the new primary’s proposal, because it was not the value the view changes call for.',
    ])
    for (const sentence of say(story.lines, 'zh-CN')) expect(sentence).not.toMatch(ENGLISH_RUN)
  })

  it('leaves a classic round’s story as it was: no view or client sentence', () => {
    const story = tellOutcome({ rows: [row(0), row(1), row(2), row(3)], trace: [], outcome: outcome({ success: true, decidedValue: 'blue', decidedValues: ['blue'] }) })
    expect(story.lines.map((line) => line.key)).toEqual(['success'])
    // A one-view round has a client, but no view change to tell: its story is the classic one too.
    const oneView = outcome({ success: true, decidedValue: 'blue', decidedValues: ['blue'], clientMessages: CLIENT, clientAccepted: true, clientValue: 'blue' })
    expect(tellOutcome({ rows: [row(0), row(1), row(2), row(3)], trace: [], outcome: oneView }).lines.map((line) => line.key)).toEqual(['success'])
  })
})

describe('the stage’s views', () => {
  it('counts the view timer down and says when it ran out', () => {
    const timer = { view: 1, durationMs: 20_000, startedAt: 0, deadline: 20_000, expired: false }
    expect(timerAt(timer, 15_000)).toEqual({ secondsLeft: 5, fraction: 0.25, expired: false })
    expect(timerAt(timer, 21_000)).toEqual({ secondsLeft: 0, fraction: 0, expired: true })
  })

  it('has none in a classic round', () => {
    expect(liveStageViews(null, 0)).toBeNull()
    expect(replayStageViews([], 0, { nodes: 4, f: 1, hasViews: false })).toBeNull()
  })

  it('replays a silent primary’s round view by view: view 1, primary 1, replica 0 replaced, the client accepts 2 of 2', () => {
    const result = runRound({ nodes: 4, p: 1, faults: { 0: 'silent' }, quorumRule: 'castro-liskov' }, { seed: 1, maxViews: 4 })
    const trace = result.trace ?? []
    expect(replayStageViews(trace, 1, { nodes: 4, f: 1, hasViews: true })).toMatchObject({ view: 0, primary: 0, replaced: [], client: { accepted: false, matching: 0, needed: 2 } })
    const firstNewView = trace.findIndex((m) => m.phase === 'new-view')
    expect(replayStageViews(trace, firstNewView + 1, { nodes: 4, f: 1, hasViews: true })).toMatchObject({ view: 1, primary: 1, replaced: [0] })
    expect(replayStageViews(trace, trace.length, { nodes: 4, f: 1, hasViews: true })).toMatchObject({ view: 1, primary: 1, client: { accepted: true, matching: 2, needed: 2, value: 'v' } })
  })

  it('replays the counters of every view as the engine counted them (a silent primary, two in a row; both rules)', () => {
    const cases = [
      { nodes: 4, faults: { 0: 'silent' } as Record<number, 'silent'> },
      { nodes: 7, faults: { 0: 'silent', 1: 'silent' } as Record<number, 'silent'> },
    ]
    for (const [{ nodes, faults }, quorumRule] of cases.flatMap((c) => [[c, 'castro-liskov'] as const, [c, 'original'] as const])) {
      const result = runRound({ nodes, p: 1, faults, quorumRule, proposal: 'v' }, { seed: 3, maxViews: 4 })
      const trace = result.trace ?? []
      const kinds = Array.from({ length: nodes }, (_, id) => faults[id] ?? 'honest')
      const counters = replayCounters(trace, trace.length, { nodes, faults: kinds, proposal: 'v', quorumRule })
      expect(result.view, JSON.stringify(faults)).toBeGreaterThan(0)
      for (const replica of result.replicas.filter((r) => r.fault === 'honest')) {
        const mine = counters[replica.id]
        expect([mine?.primary, mine?.prepared, mine?.committed, mine?.decided], `${quorumRule} N=${nodes} ${JSON.stringify(faults)} replica ${replica.id}`).toEqual([
          replica.primary,
          replica.prepared,
          replica.committed,
          replica.decidedValue,
        ])
      }
    }
  })
})

describe('the view a replay has reached', () => {
  it('moves on with the NEW-VIEW, not with the VIEW-CHANGEs or the client’s REQUEST to everyone', () => {
    const result = runRound({ nodes: 4, p: 1, faults: { 0: 'silent' }, quorumRule: 'castro-liskov' }, { seed: 1, maxViews: 4 })
    const trace = result.trace ?? []
    const firstNewView = trace.findIndex((m) => m.phase === 'new-view')
    // Before it: the REQUESTs tagged view 1 and every VIEW-CHANGE to view 1 are in, the view is still 0.
    expect(trace.slice(0, firstNewView).some((m) => m.view === 1 && m.phase === 'request')).toBe(true)
    expect(replayStageViews(trace, firstNewView, { nodes: 4, f: 1, hasViews: true })?.view).toBe(0)
    expect(replayStageViews(trace, firstNewView + 1, { nodes: 4, f: 1, hasViews: true })?.view).toBe(1)
  })
})
