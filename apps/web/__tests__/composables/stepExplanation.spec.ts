import { afterEach, describe, expect, it } from 'vitest'
import type { ReplicaSnapshot } from '@pbft/protocol'
import { useSentences } from '../../src/composables/useSentences'
import { useTerms } from '../../src/composables/useTerms'
import { useI18n } from '../../src/i18n'
import type { Sentence } from '../../src/session/sentence'
import { stepExplanation } from '../../src/session/stepExplanation'
import { replicaView } from '../participant/fakeSocket'

afterEach(() => {
  useTerms().terms.value = 'plain'
  useI18n().locale.value = 'en'
})

function snapshot(overrides: Partial<ReplicaSnapshot>): ReplicaSnapshot {
  return { ...replicaView().snapshot!, ...overrides }
}

function said(sentence: Sentence | null): string {
  if (sentence === null) throw new Error('no explanation')
  return useSentences().say(sentence)
}

describe('the line under each step', () => {
  it('says what the step means and why k matching messages are needed, with k from the replica', () => {
    const prepare = stepExplanation(replicaView({ snapshot: snapshot({ prepareCount: 1, prepared: false }) }))
    expect(prepare?.key).toBe('participant.node.explain.prepareBackup')
    expect(said(prepare)).toBe(
      'You tell everyone which proposal you got from the proposer. You need 2 matching prepares from others, so that a majority of honest participants saw the same proposal.',
    )
    // Another quorum rule (or another N) gives another k: the text follows the snapshot.
    const seven = stepExplanation(replicaView({ snapshot: snapshot({ prepareQuorum: 4, prepared: false }) }))
    expect(said(seven)).toContain('You need 4 matching prepares from others')
    const one = stepExplanation(replicaView({ snapshot: snapshot({ prepareQuorum: 1, prepared: false }) }))
    expect(said(one)).toContain('You need 1 matching prepare from others')
  })

  it('reads each phase’s own quorum: under castro-liskov a commit needs more than a backup’s prepare', () => {
    // N = 4, castro-liskov, after this backup voted: 1 prepare from another backup, 2 commits from others.
    const paper = snapshot({ quorumRule: 'castro-liskov', quorum: 1, prepareQuorum: 1, commitQuorum: 2, prepared: false, ownPrepareCounted: true })
    expect(said(stepExplanation(replicaView({ snapshot: paper })))).toContain('You need 1 matching prepare from others')
    const commit = stepExplanation(replicaView({ phase: 'commit', action: 'commit', snapshot: { ...paper, prepared: true } }))
    expect(said(commit)).toContain('You need 2 matching confirms from others')
  })

  it('has one line per step and role, in both vocabularies and both languages', () => {
    const commit = stepExplanation(replicaView({ phase: 'commit', action: 'commit' }))
    expect(said(commit)).toMatch(/^You got 2 matching prepares: now you tell everyone you are ready\. You need 2 matching confirms from others/)
    useTerms().terms.value = 'pbft'
    expect(said(commit)).toMatch(/You need 2 matching commits from others before you decide, so that enough honest replicas/)
    expect(said(stepExplanation(replicaView({ phase: 'pre-prepare', role: 'primary', nodeId: 0 })))).toBe(
      'You send your value to everyone. Next, they will check with each other that they all got the same value from you.',
    )
    useI18n().locale.value = 'zh-CN'
    expect(said(stepExplanation(replicaView({ snapshot: snapshot({ prepared: false }) })))).toBe(
      '你告诉所有人你从主节点那里收到了哪个值。你需要其他人发来的 2 条一致的 prepare 消息，这样才能确定大多数诚实的副本看到的是同一个值。',
    )
    useTerms().terms.value = 'plain'
    expect(said(stepExplanation(replicaView({ snapshot: snapshot({ prepared: false }) })))).toContain('2 条一致的准备消息')
  })

  it('says why a replica sits a step out, and waits for a round', () => {
    expect(stepExplanation(replicaView({ snapshot: snapshot({ acceptedValue: null }) }))?.key).toBe('participant.node.explain.prepareNothing')
    expect(stepExplanation(replicaView({ phase: 'commit', snapshot: snapshot({ prepared: false }) }))?.key).toBe('participant.node.explain.commitNotPrepared')
    // The others were quicker: the quorum is there before this replica sends.
    expect(stepExplanation(replicaView())?.key).toBe('participant.node.explain.prepareReady')
    expect(stepExplanation(replicaView({ phase: 'commit', snapshot: snapshot({ committed: true, commitCount: 2 }) }))?.key).toBe('participant.node.explain.commitDecided')
    expect(stepExplanation(replicaView({ role: 'primary', nodeId: 0 }))?.key).toBe('participant.node.explain.preparePrimary')
    expect(stepExplanation(replicaView({ phase: 'pre-prepare' }))?.key).toBe('participant.node.explain.prePrepareBackup')
    expect(stepExplanation(replicaView({ round: null, phase: null, snapshot: null }))?.key).toBe('participant.node.explain.waiting')
    expect(stepExplanation(replicaView({ phase: 'done' }))).toBeNull()
  })

  it('tells a Byzantine replica what the honest ones need instead', () => {
    const view = replicaView({ isByzantine: true, fault: 'equivocate' })
    expect(said(stepExplanation(view))).toBe(
      'Everyone tells everyone which proposal they got from the proposer. An honest participant needs 2 matching prepares from others: which ones will it count?',
    )
  })
})
