import type { Phase } from '@pbft/protocol'
import type { MessageKey } from '../i18n'

/**
 * One sentence of the phone's story of a round, before translation: a dictionary key, the numbers
 * and names it needs, and the round's values it mentions ({value}, {value2}: drawn as ValueChips
 * with their colour and letter). The words of the current terms ({replicas}, {proposer},
 * {prepares}, …) are added when it is said, so one sentence serves both vocabularies.
 */
export interface Sentence {
  key: MessageKey
  params?: Readonly<Record<string, string | number>>
  /** Values of the round, in placeholder order: `{value}`, `{value2}`, `{value3}`… */
  values?: readonly string[]
  /**
   * How many messages `{prepares}` / `{commits}` stand for (the quorum k), so they agree in
   * number: "1 matching prepare", "2 matching prepares".
   */
  count?: number
  /** `{who}`: these replicas by name ("you" for `self`), as a list in the current language. */
  who?: { ids: readonly number[]; self: number | null }
  /** `{phases}`: these steps by name, as a list in the current language and terms. */
  phases?: readonly Phase[]
}

/** The placeholder of the i-th value of a sentence: value, value2, value3… */
export function valuePlaceholder(index: number): string {
  return index === 0 ? 'value' : `value${index + 1}`
}

/** A part of a said sentence: text, or one of its values. */
export type SentencePart = { text: string } | { value: string }

/** Splits translated text at its value placeholders (left unfilled by `t`), in order. */
export function splitValues(text: string, values: readonly string[] = []): SentencePart[] {
  const parts: SentencePart[] = []
  let rest = text
  const pattern = /\{(value\d*)\}/
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    if (match.index > 0) parts.push({ text: rest.slice(0, match.index) })
    const index = match[1] === 'value' ? 0 : Number(match[1]?.slice(5)) - 1
    const value = values[index]
    parts.push(value === undefined ? { text: match[0] } : { value })
    rest = rest.slice(match.index + match[0].length)
  }
  if (rest) parts.push({ text: rest })
  return parts
}
