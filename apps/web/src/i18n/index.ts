import { watch, type Ref } from 'vue'
import { browserStorage, useStoredValue } from '../composables/useStoredValue'
import { en } from './en'
import { flattenMessages, interpolate, type MessageKey, type MessageParams } from './messages'
import { zhCN } from './zh-CN'

export type { MessageKey, MessageParams } from './messages'

export const LOCALES = ['en', 'zh-CN'] as const
export type Locale = (typeof LOCALES)[number]

const dictionaries: Record<Locale, Map<string, string>> = {
  en: flattenMessages(en),
  'zh-CN': flattenMessages(zhCN),
}

export const LOCALE_STORAGE_KEY = 'pbft.locale'

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/** The saved choice if there is one, else the browser's language (any Chinese → zh-CN), else English. */
export function initialLocale(saved: string | null, languages: readonly string[]): Locale {
  if (isLocale(saved)) return saved
  for (const language of languages) {
    const lower = language.toLowerCase()
    if (lower.startsWith('zh')) return 'zh-CN'
    if (lower.startsWith('en')) return 'en'
  }
  return 'en'
}

function browserLanguages(): readonly string[] {
  const nav = globalThis.navigator
  if (!nav) return []
  return nav.languages?.length ? nav.languages : [nav.language]
}

/**
 * One locale for the whole app: a module-level singleton, like the router. Kept in storage
 * (VueUse's useStorage, followed across tabs); nothing valid saved means the browser's language.
 */
const locale: Ref<Locale> = useStoredValue<Locale>(
  LOCALE_STORAGE_KEY,
  initialLocale(null, browserLanguages()),
  { read: (raw) => initialLocale(raw, browserLanguages()), write: (value) => value },
  browserStorage(),
  { followOtherTabs: true, writeFallback: true },
)

watch(
  locale,
  (value) => {
    if (typeof document !== 'undefined') document.documentElement.lang = value
  },
  { immediate: true, flush: 'sync' },
)

/** The text of `key` in `lang`, with `{name}` placeholders filled from `params`. */
export function translate(lang: Locale, key: MessageKey, params?: MessageParams): string {
  const text = dictionaries[lang].get(key) ?? dictionaries.en.get(key) ?? key
  return interpolate(text, params)
}

export interface I18n {
  /** The current locale; assigning it switches the whole app (and is remembered). */
  locale: Ref<Locale>
  t: (key: MessageKey, params?: MessageParams) => string
}

/** The app's translations. `t` reads `locale`, so templates and computeds re-render on a switch. */
export function useI18n(): I18n {
  return {
    locale,
    t: (key, params) => translate(locale.value, key, params),
  }
}
