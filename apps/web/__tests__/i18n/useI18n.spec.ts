import { nextTick } from 'vue'
import { afterEach, describe, expect, it } from 'vitest'
import { initialLocale, LOCALE_STORAGE_KEY, translate, useI18n } from '../../src/i18n'

describe('initialLocale', () => {
  it('prefers the saved choice', () => {
    expect(initialLocale('zh-CN', ['en-US'])).toBe('zh-CN')
    expect(initialLocale('en', ['zh-CN'])).toBe('en')
  })

  it('follows the browser language when nothing valid is saved', () => {
    expect(initialLocale(null, ['zh-TW', 'en'])).toBe('zh-CN')
    expect(initialLocale('klingon', ['en-GB'])).toBe('en')
    expect(initialLocale(null, ['fr-FR', 'zh'])).toBe('zh-CN')
  })

  it('falls back to English', () => {
    expect(initialLocale(null, ['fr-FR'])).toBe('en')
    expect(initialLocale(null, [])).toBe('en')
  })
})

describe('useI18n', () => {
  const { locale, t } = useI18n()
  afterEach(() => {
    locale.value = 'en'
  })

  it('translates keys with parameters in the current locale', () => {
    locale.value = 'en'
    expect(t('experiment.progress.rounds', { done: 5, total: 10 })).toBe('5 of 10 rounds')
    locale.value = 'zh-CN'
    expect(t('experiment.progress.rounds', { done: 5, total: 10 })).toBe('已完成 5 / 10 轮')
  })

  it('remembers the choice and labels the document with it', async () => {
    locale.value = 'zh-CN'
    await nextTick()
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('zh-CN')
    expect(document.documentElement.lang).toBe('zh-CN')
  })

  it('translate() reads one locale without touching the current one', () => {
    expect(translate('zh-CN', 'nav.experiment')).toBe('实验')
    expect(locale.value).toBe('en')
  })
})
