import { describe, expect, it } from 'vitest'
import { en } from '../../src/i18n/en'
import { flattenMessages, interpolate } from '../../src/i18n/messages'
import { zhCN } from '../../src/i18n/zh-CN'

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort()

describe('the dictionaries', () => {
  const english = flattenMessages(en)
  const chinese = flattenMessages(zhCN)

  it('have exactly the same keys', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort())
  })

  it('have no empty messages', () => {
    for (const [lang, messages] of [['en', english], ['zh-CN', chinese]] as const) {
      for (const [key, text] of messages) expect(text.trim(), `${lang} ${key}`).not.toBe('')
    }
  })

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of english) expect(placeholders(chinese.get(key) ?? ''), key).toEqual(placeholders(text))
  })
})

describe('interpolate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{done} of {total}', { done: 3, total: 10 })).toBe('3 of 10')
    expect(interpolate('N = {nodes}', {})).toBe('N = {nodes}')
  })
})
