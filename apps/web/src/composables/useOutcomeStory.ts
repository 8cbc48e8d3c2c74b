import { computed, toValue, type MaybeRefOrGetter } from 'vue'
import { useI18n } from '../i18n'
import type { ValuePalette } from '../session/valueColours'
import { tellOutcome, type StoryInput } from '../story/outcomeStory'
import { storySentence } from '../story/storyText'

/**
 * The projector's "why", in the current language: the story of the finished round
 * (`tellOutcome`) turned into one or two sentences. Feed it a structured explanation from the
 * engine later by replacing `tellOutcome`; the sentences and the pages stay as they are.
 */
export function useOutcomeStory(input: MaybeRefOrGetter<StoryInput | null>, palette: MaybeRefOrGetter<ValuePalette>) {
  const { t, locale } = useI18n()
  const story = computed(() => {
    const value = toValue(input)
    return value ? tellOutcome(value) : null
  })
  const sentences = computed(() => {
    const format = { t, locale: locale.value, palette: toValue(palette) }
    return story.value?.lines.map((line) => storySentence(line, format)) ?? []
  })
  return { story, sentences }
}
