import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import StageOutcome from '../../src/components/stage/StageOutcome.vue'
import { useOutcomeStory } from '../../src/composables/useOutcomeStory'
import { ValuePalette } from '../../src/session/valueColours'
import type { StoryInput } from '../../src/story/outcomeStory'
import { locale } from './localeFixture'
import { message, outcome, row, silentReplicaRound } from './storyFixtures'

const NOTATION = /N[pc]{0,2}p?=\d|N-f=/
const ENGLISH_RUN = /[A-Za-z]+[\s,.;:]+[A-Za-z]+[\s,.;:]+[A-Za-z]+/

function render(input: StoryInput) {
  const palette = new ValuePalette('blue')
  const { story, sentences } = useOutcomeStory(input, palette)
  return mount(StageOutcome, { props: { outcome: input.outcome, story: story.value!, sentences: sentences.value, palette } })
}

/** The outcome's text outside its "details" (what the projector shows without a click). */
function shown(wrapper: ReturnType<typeof render>): string {
  const clone = wrapper.element.cloneNode(true) as HTMLElement
  clone.querySelector('details')?.remove()
  return clone.textContent ?? ''
}

describe('StageOutcome', () => {
  it('says why a round failed in words, and keeps the engine notation in the details', () => {
    const wrapper = render(silentReplicaRound())
    expect(wrapper.attributes('data-verdict')).toBe('failure')
    expect(wrapper.attributes('data-failure-phase')).toBe('prepare')
    expect(shown(wrapper)).toContain('Byzantine replica 3 stayed silent')
    expect(shown(wrapper)).not.toMatch(NOTATION)
    expect(wrapper.get('details').text()).toContain('prepare: Np=1 < N-f=3')
  })

  it('has no English sentence in Chinese', async () => {
    await locale('zh-CN', () => {
      const text = shown(render(silentReplicaRound()))
      expect(text).toContain('未达成共识')
      expect(text).not.toMatch(ENGLISH_RUN)
    })
  })

  it('shows a safety violation in red with who committed what, never as a success', () => {
    const rows = [
      row(0, { fault: 'equivocate' }),
      row(1, { fault: 'equivocate' }),
      row(2, { accepted: 'blue', prepared: true, committed: true, decided: 'blue' }),
      row(3, { accepted: 'blue′', prepared: true, committed: true, decided: 'blue′' }),
    ]
    const trace = [message('prepare', 1, 2), message('prepare', 1, 3, { value: 'blue′' })]
    const wrapper = render({ rows, trace, outcome: outcome({ success: true, safetyViolation: true, decidedValues: ['blue', 'blue′'] }) })
    expect(wrapper.classes()).toContain('outcome--safety')
    expect(wrapper.attributes('data-success')).toBe('false')
    expect(wrapper.text()).not.toContain('Consensus reached')
    const groups = wrapper.findAll('.outcome__group').map((group) => group.text())
    expect(groups).toEqual(['A blue committed by replica 2', 'B blue′ committed by replica 3'])
  })
})
