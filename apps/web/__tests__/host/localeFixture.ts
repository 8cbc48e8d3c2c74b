import { useI18n, type Locale } from '../../src/i18n'

/** Runs `check` with the app in `lang`, then puts the language back. */
export async function locale(lang: Locale, check: () => void | Promise<void>): Promise<void> {
  const current = useI18n().locale
  const before = current.value
  current.value = lang
  try {
    await check()
  } finally {
    current.value = before
  }
}
