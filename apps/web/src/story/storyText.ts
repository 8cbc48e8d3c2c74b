import type { MessageKey, MessageParams } from '../i18n'
import type { ValuePalette } from '../session/valueColours'
import type { StoryLine, StoryParam } from './storyLine'

/** Turns a structured story into sentences of the current language. */

export type Translate = (key: MessageKey, params?: MessageParams) => string

/** Lists longer than this name their first few replicas and a count. */
const LONGEST_LIST = 6

export interface StoryFormatter {
  t: Translate
  /** A BCP 47 tag for Intl.ListFormat ("1 and 2", "1和2"). */
  locale: string
  palette: ValuePalette
}

function list(items: readonly string[], locale: string): string {
  try {
    return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items)
  } catch {
    return items.join(', ')
  }
}

/** "replica 3", "replicas 1 and 2", "40 replicas (3, 5, 8, 9, 12, …)". */
export function replicaList(ids: readonly number[], format: Pick<StoryFormatter, 't' | 'locale'>): string {
  const { t, locale } = format
  if (ids.length === 1) return t('host.story.replicaOne', { id: ids[0] ?? 0 })
  if (ids.length <= LONGEST_LIST) return t('host.story.replicaMany', { ids: list(ids.map(String), locale) })
  const first = ids.slice(0, LONGEST_LIST - 1).join(t('host.story.separator'))
  return t('host.story.replicaManyMore', { count: ids.length, ids: first })
}

/** A value as the class sees it: its text and its letter, "“blue” (value A)". */
export function valueName(value: string, format: Pick<StoryFormatter, 't' | 'palette'>): string {
  return format.t('host.story.value', { value, letter: format.palette.styleOf(value).letter })
}

function param(value: StoryParam, format: StoryFormatter): string | number {
  if (typeof value === 'number' || typeof value === 'string') return value
  if ('replicas' in value) return replicaList(value.replicas, format)
  if ('value' in value) return valueName(value.value, format)
  if ('values' in value) return list(value.values.map((v) => valueName(v, format)), format.locale)
  if ('phase' in value) return format.t(`host.phases.${value.phase}`)
  if ('messages' in value) return value.one ? format.t(`host.story.message.${value.messages}`) : format.t(`host.story.messages.${value.messages}`)
  return list(value.clauses.map((clause) => phrase(clause, format)), format.locale)
}

function phrase(line: StoryLine, format: StoryFormatter): string {
  const params: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(line.params)) params[name] = param(value, format)
  return format.t(`host.story.${line.key}`, params)
}

/** One sentence, capitalised (a no-op in Chinese). */
export function storySentence(line: StoryLine, format: StoryFormatter): string {
  const text = phrase(line, format)
  return text.charAt(0).toUpperCase() + text.slice(1)
}
