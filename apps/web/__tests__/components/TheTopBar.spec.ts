import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import TheTopBar from '../../src/components/TheTopBar.vue'
import { useI18n } from '../../src/i18n'
import { createAppRouter } from '../../src/router'

async function mountBar() {
  const router = createAppRouter(createMemoryHistory())
  await router.push('/experiment')
  const wrapper = mount(TheTopBar, { global: { plugins: [router] } })
  return { wrapper, router }
}

afterEach(() => {
  useI18n().locale.value = 'en'
})

describe('TheTopBar', () => {
  it('links every top-level page and marks the current one', async () => {
    const { wrapper } = await mountBar()
    const links = wrapper.findAll('nav a')
    expect(links.map((link) => link.attributes('href'))).toEqual(['/', '/join', '/experiment', '/history'])
    expect(wrapper.get('nav a[aria-current="page"]').text()).toBe('Experiment')
  })

  it('folds the links behind a menu button that says whether it is open', async () => {
    const { wrapper, router } = await mountBar()
    const button = wrapper.get('button[aria-controls="main-nav"]')
    expect(button.attributes('aria-expanded')).toBe('false')
    await button.trigger('click')
    expect(button.attributes('aria-expanded')).toBe('true')
    expect(wrapper.get('#main-nav').classes()).toContain('top-bar__nav--open')
    await router.push('/join')
    await wrapper.vm.$nextTick()
    expect(button.attributes('aria-expanded')).toBe('false')
  })

  it('switches the language of the whole app', async () => {
    const { wrapper } = await mountBar()
    await wrapper.get('[data-testid="language-switch"]').setValue('zh-CN')
    expect(useI18n().locale.value).toBe('zh-CN')
    expect(wrapper.get('nav a[aria-current="page"]').text()).toBe('实验')
  })
})
