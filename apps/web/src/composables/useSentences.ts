import { useI18n } from '../i18n'
import { splitValues, valuePlaceholder, type Sentence, type SentencePart } from '../session/sentence'
import { useTerms } from './useTerms'

export interface UseSentences {
  /** The sentence in the current language and terms, as parts: text, and values to draw as tags. */
  parts: (sentence: Sentence) => SentencePart[]
  /** The sentence as plain text, its values written out (for notifications and tests). */
  say: (sentence: Sentence) => string
}

/** "participant 1, participant 3 and you" in the given language ("参与者 1、参与者 3和你"). */
export function listOf(items: string[], locale: string): string {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(items)
}

/** Says the phone's story sentences (see `Sentence`) with `t()`, in the current terms. */
export function useSentences(): UseSentences {
  const { t, locale } = useI18n()
  const terms = useTerms()

  function text(sentence: Sentence): string {
    const params: Record<string, string | number> = { ...terms.words(sentence.count), ...sentence.params }
    if (sentence.who) {
      const { ids, self } = sentence.who
      // "You" first: it is the name a student looks for.
      const ordered = self !== null && ids.includes(self) ? [self, ...ids.filter((id) => id !== self)] : [...ids]
      params.who = listOf(ordered.map((id) => terms.who(id, self)), locale.value)
    }
    if (sentence.phases) params.phases = listOf(sentence.phases.map((phase) => terms.phase(phase)), locale.value)
    // Value placeholders stay unfilled here: `parts` draws them as tags, `say` writes them out.
    const said = t(sentence.key, params)
    // A sentence may open with a name ("participant 3 decided …"): it still starts a sentence.
    return said.charAt(0).toLocaleUpperCase(locale.value) + said.slice(1)
  }

  return {
    parts: (sentence) => splitValues(text(sentence), sentence.values),
    say: (sentence) => {
      let said = text(sentence)
      ;(sentence.values ?? []).forEach((value, index) => {
        said = said.replace(`{${valuePlaceholder(index)}}`, value)
      })
      return said
    },
  }
}
