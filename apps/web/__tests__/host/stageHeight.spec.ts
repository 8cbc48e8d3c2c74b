import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { useStageHeight } from '../../src/composables/useStageHeight'

/** A component whose root starts `top` px down the page. */
function probe(top: number) {
  return defineComponent({
    setup() {
      const element = ref<HTMLElement | null>(null)
      const { height, measure } = useStageHeight(element)
      return () =>
        h('div', {
          ref: (value) => {
            element.value = value as HTMLElement | null
            if (element.value) element.value.getBoundingClientRect = () => ({ top, left: 0, right: 0, bottom: 0, width: 0, height: 0, x: 0, y: top, toJSON: () => ({}) })
          },
          'data-height': height.value ?? 'none',
          onClick: measure,
        })
    },
  })
}

afterEach(() => vi.unstubAllGlobals())

describe('useStageHeight', () => {
  it('ends the stage at the bottom of the window', async () => {
    vi.stubGlobal('innerWidth', 1280)
    vi.stubGlobal('innerHeight', 720)
    const wrapper = mount(probe(120), { attachTo: document.body })
    await wrapper.trigger('click')
    expect(wrapper.attributes('data-height')).toBe(String(720 - 120 - 12))
    wrapper.unmount()
  })

  it('lets the stage stack on narrow screens, and never squeezes it below its minimum', async () => {
    vi.stubGlobal('innerWidth', 800)
    vi.stubGlobal('innerHeight', 720)
    const narrow = mount(probe(120), { attachTo: document.body })
    await narrow.trigger('click')
    expect(narrow.attributes('data-height')).toBe('none')
    narrow.unmount()
    vi.stubGlobal('innerWidth', 1280)
    vi.stubGlobal('innerHeight', 400)
    const short = mount(probe(120), { attachTo: document.body })
    await short.trigger('click')
    expect(short.attributes('data-height')).toBe('460')
    short.unmount()
  })
})
