import { afterEach, describe, expect, it } from 'vitest'
import { termKeys, useTerms, TERMS_STORAGE_KEY } from '../../src/composables/useTerms'
import { translate, useI18n } from '../../src/i18n'

afterEach(() => {
  useTerms().terms.value = 'plain'
  useI18n().locale.value = 'en'
})

describe('the terms switch', () => {
  it('maps the phases and actions to plain words or to the PBFT terms', () => {
    const plain = termKeys('plain')
    const pbft = termKeys('pbft')
    expect(translate('en', plain.phase('pre-prepare'))).toBe('Propose')
    expect(translate('en', plain.phase('commit'))).toBe('Confirm')
    expect(translate('en', plain.action('propose'))).toBe('Propose')
    expect(translate('en', plain.action('prepare'))).toBe('Prepare')
    expect(translate('en', plain.action('commit'))).toBe('Confirm')
    expect(translate('en', plain.value)).toBe('proposal content')
    expect(translate('en', plain.replica, { id: 2 })).toBe('participant 2')
    expect(translate('en', pbft.phase('pre-prepare'))).toBe('Pre-prepare')
    expect(translate('en', pbft.action('commit'))).toBe('Commit')
    expect(translate('en', pbft.replica, { id: 2 })).toBe('replica 2')
    expect(translate('en', pbft.role('primary'))).toBe('Primary')
    expect(translate('en', pbft.role('backup'))).toBe('Backup')
    expect(translate('zh-CN', plain.action('commit'))).toBe('确认')
    expect(translate('zh-CN', pbft.action('commit'))).toBe('提交')
  })

  it('every key it hands out exists in both languages', () => {
    for (const terms of ['plain', 'pbft'] as const) {
      const keys = termKeys(terms)
      const all = [
        keys.replica,
        keys.you,
        keys.value,
        keys.heading,
        keys.role('primary'),
        keys.role('backup'),
        ...(['pre-prepare', 'prepare', 'commit', 'done'] as const).map(keys.phase),
        ...(['propose', 'prepare', 'commit'] as const).map(keys.action),
        ...(['pre-prepare', 'prepare', 'commit'] as const).map(keys.message),
        keys.counter('prepare'),
        keys.counter('commit'),
      ]
      for (const key of all) {
        expect(translate('en', key)).not.toBe(key)
        expect(translate('zh-CN', key)).not.toBe(key)
      }
    }
  })

  it('words the counters from the quorum: "2 of 2 prepares needed"', () => {
    const terms = useTerms()
    expect(terms.counter('prepare', 2, 2)).toBe('2 of 2 prepares needed')
    expect(terms.counter('commit', 1, 2)).toBe('1 of 2 confirms needed')
    expect(terms.counter('commit', 3, 2)).toBe('2 of 2 confirms needed')
    terms.terms.value = 'pbft'
    expect(terms.counter('commit', 1, 2)).toBe('1 of 2 commits needed')
    expect(terms.action('propose')).toBe('Pre-prepare')
    useI18n().locale.value = 'zh-CN'
    expect(terms.counter('prepare', 2, 2)).toBe('已收到 2 个 prepare，需要 2 个')
  })

  it('says "you" for this replica and remembers the choice', async () => {
    const terms = useTerms()
    expect(terms.who(2, 2)).toBe('you')
    expect(terms.who(1, 2)).toBe('participant 1')
    terms.terms.value = 'pbft'
    await Promise.resolve()
    expect(localStorage.getItem(TERMS_STORAGE_KEY)).toBe('pbft')
  })
})
