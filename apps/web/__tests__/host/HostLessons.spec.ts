import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { CreateSessionBody, PRESET_NAMES } from '@pbft/protocol'
import HostSessionForm from '../../src/components/host/HostSessionForm.vue'
import { useI18n } from '../../src/i18n'

describe('the one-click lessons on the host form', () => {
  it('lists the four presets with a sentence each, in English and Chinese, and a click creates that lesson', async () => {
    const { locale } = useI18n()
    locale.value = 'en'
    const wrapper = mount(HostSessionForm, { props: { busy: false, error: null } })
    const items = wrapper.findAll('[data-preset]')
    expect(items.map((item) => item.attributes('data-preset'))).toEqual([...PRESET_NAMES])
    expect(wrapper.get('[data-preset=silent-primary]').text()).toContain('ask for a new primary')
    expect(wrapper.get('[data-preset=two-faulty-primaries]').text()).toContain('N = 7')
    await wrapper.get('[data-testid=lesson-silent-primary]').trigger('click')
    const [body] = wrapper.emitted('create')?.[0] as [CreateSessionBody]
    expect(body).toMatchObject({ preset: 'silent-primary', idleBotAfterMs: 10_000 })
    expect(CreateSessionBody.parse(body)).toMatchObject({ nodeCount: 4, faults: { 0: 'silent' }, quorumRule: 'castro-liskov' })
    locale.value = 'zh-CN'
    await wrapper.vm.$nextTick()
    expect(wrapper.get('[data-preset=silent-primary]').text()).toContain('沉默')
    locale.value = 'en'
  })

  it('keeps the paper’s rule preselected and offers the views and the view timer among the advanced fields', () => {
    const wrapper = mount(HostSessionForm, { props: { busy: false, error: null } })
    expect(wrapper.get('[data-testid=rule-castro-liskov] input').element).toHaveProperty('checked', true)
    expect((wrapper.get('input[aria-describedby~=host-maxViews-hint]').element as HTMLInputElement).value).toBe('4')
    expect((wrapper.get('input[aria-describedby~=host-viewTimeoutSeconds-hint]').element as HTMLInputElement).value).toBe('10')
    expect(wrapper.text()).toContain('1: one attempt, no view change; up to 10.')
  })

  it('holds every lesson back while a field it uses has a problem', async () => {
    const wrapper = mount(HostSessionForm, { props: { busy: false, error: null } })
    await wrapper.get('input[aria-describedby~=host-viewTimeoutSeconds-hint]').setValue('0')
    expect(wrapper.get('[data-testid=lesson-silent-primary]').attributes('disabled')).toBeDefined()
  })
})
