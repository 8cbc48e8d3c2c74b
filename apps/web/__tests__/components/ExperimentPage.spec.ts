import { defineComponent, h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import ExperimentPage from '../../src/pages/ExperimentPage.vue'
import { useI18n } from '../../src/i18n'
import { InProcessWorker } from '../support/inProcessWorker'

// happy-dom has neither module workers nor a canvas for ECharts: both are replaced.
vi.mock('../../src/workers/createExperimentWorker', () => ({ createExperimentWorker: () => new InProcessWorker() }))
vi.mock('../../src/components/experiment/ExperimentChart.vue', () => ({
  default: defineComponent({
    props: { option: { type: Object, required: true }, mode: { type: String, required: true }, scale: { type: String, default: 'linear' }, hiddenOnLog: { type: Number, default: 0 } },
    setup(props, { expose }) {
      expose({ toPngDataUrl: () => 'data:image/png;base64,iVBORw0KGgo=' })
      return () => {
        const option = (props.option as { baseOption: { series: unknown[]; yAxis: { type: string } } }).baseOption
        return h('div', { 'data-testid': 'chart-stub', 'data-series': option.series.length, 'data-y-axis': option.yAxis.type, 'data-scale': props.scale })
      }
    },
  }),
}))

afterEach(() => {
  useI18n().locale.value = 'en'
  vi.restoreAllMocks()
})

/** Element Plus gives an input its id once mounted, hence the wait. */
async function mountPage() {
  const wrapper = mount(ExperimentPage)
  await flushPromises()
  return wrapper
}

const input = (wrapper: ReturnType<typeof mount>, field: string) => wrapper.get(`#experiment-${field}`)

describe('ExperimentPage', () => {
  it('labels every input', async () => {
    const wrapper = await mountPage()
    for (const field of ['nodes', 'p', 'rounds', 'seed']) {
      expect(wrapper.get(`label[for="experiment-${field}"]`).text()).not.toBe('')
      expect(input(wrapper, field).attributes('aria-describedby')).toContain(`experiment-${field}-hint`)
    }
  })

  it('validates inline and disables Run while an input is wrong', async () => {
    const wrapper = await mountPage()
    await input(wrapper, 'nodes').setValue('4,x')
    expect(wrapper.get('[data-testid="problem-nodes"]').text()).toBe('x is not a number.')
    expect(input(wrapper, 'nodes').attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('[data-testid="run"]').attributes('disabled')).toBeDefined()
    await input(wrapper, 'nodes').setValue('4,7')
    expect(wrapper.find('[data-testid="problem-nodes"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="run"]').attributes('disabled')).toBeUndefined()
  })

  it('tells which mode Run will use', async () => {
    const wrapper = await mountPage()
    expect(wrapper.get('[data-testid="experiment-mode"]').text()).toMatch(/computed in this browser/)
    await input(wrapper, 'p').setValue('0.5:1:0.01')
    expect(wrapper.get('[data-testid="experiment-mode"]').text()).toMatch(/51 points.*on the server/)
  })

  it('speaks Chinese when the locale is zh-CN, validation included', async () => {
    const wrapper = await mountPage()
    useI18n().locale.value = 'zh-CN'
    await input(wrapper, 'p').setValue('1.5')
    expect(wrapper.get('h1').text()).toBe('可靠性实验')
    expect(wrapper.get('[data-testid="problem-p"]').text()).toBe('1.5 不是 0 到 1 之间的概率。')
  })

  it('runs one p, fills the table and exports the CLI CSV', async () => {
    const wrapper = await mountPage()
    await input(wrapper, 'nodes').setValue('4,7')
    await input(wrapper, 'rounds').setValue('500')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => expect(wrapper.get('[data-testid="run-status"]').attributes('data-status')).toBe('done'))
    await flushPromises()
    expect(wrapper.get('[data-testid="chart-stub"]').attributes('data-series')).toBe('4')
    expect(wrapper.findAll('.el-table__body tbody tr')).toHaveLength(2)

    const blobs: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob)
      return 'blob:test'
    })
    const clicked: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download)
    })
    await wrapper.get('[data-testid="export-csv"]').trigger('click')
    expect(clicked[0]).toMatch(/^pbft-experiment-convergence-.*\.csv$/)
    const lines = (await blobs[0]?.text())?.trim().split('\n') ?? []
    expect(lines[0]).toBe(
      'nodes,f,p,rounds,seed,successes,successRate,ci95Low,ci95High,theoreticalSuccessRate,failuresPrePrepare,failuresPrepare,failuresCommit,pointSeed,quorumRule,safetyViolations',
    )
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 4).join(','))).toEqual(['4,1,0.9,500', '7,2,0.9,500'])
    expect(lines.slice(1).map((line) => line.split(',').slice(14).join(','))).toEqual(['original,0', 'original,0'])

    await wrapper.get('[data-testid="export-json"]').trigger('click')
    const document = JSON.parse((await blobs[1]?.text()) ?? '{}') as Record<string, unknown>
    expect(document).toMatchObject({ kind: 'pbft-experiment', mode: 'convergence', appVersion: '0.1.0' })
    expect(document.config).toEqual({ nodes: [4, 7], p: [0.9], rounds: 500, seed: 1, quorumRules: ['original'] })

    await wrapper.get('[data-testid="export-png"]').trigger('click')
    expect(blobs[2]?.type).toBe('image/png')
    expect(clicked[2]).toMatch(/\.png$/)
  })
})

describe('ExperimentPage with both quorum rules', () => {
  it('runs each N under each rule: a curve pair per (N, rule), a table row each naming its rule, and both in the exports', async () => {
    const wrapper = await mountPage()
    await input(wrapper, 'nodes').setValue('4')
    await input(wrapper, 'rounds').setValue('400')
    await wrapper.get('[data-testid="experiment-rules"]').setValue('both')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => expect(wrapper.get('[data-testid="run-status"]').attributes('data-status')).toBe('done'))
    await flushPromises()
    expect(wrapper.get('[data-testid="chart-stub"]').attributes('data-series')).toBe('4')
    const rows = wrapper.findAll('.el-table__body tbody tr').map((row) => row.findAll('td')[0]?.text())
    expect(rows).toEqual(['original', 'Castro–Liskov'])

    const blobs: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob)
      return 'blob:test'
    })
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
    await wrapper.get('[data-testid="export-csv"]').trigger('click')
    const lines = (await blobs[0]?.text())?.trim().split('\n') ?? []
    expect(lines.slice(1).map((line) => line.split(',')[14])).toEqual(['original', 'castro-liskov'])
    await wrapper.get('[data-testid="export-json"]').trigger('click')
    const document = JSON.parse((await blobs[1]?.text()) ?? '{}') as { config: unknown; curves: { quorumRule: string }[] }
    expect(document.config).toMatchObject({ quorumRules: ['original', 'castro-liskov'] })
    expect(document.curves.map((curve) => curve.quorumRule)).toEqual(['original', 'castro-liskov'])
  })

  it('switches the chart to 1 − P on a log scale and says what cannot be drawn there', async () => {
    const wrapper = await mountPage()
    await input(wrapper, 'rounds').setValue('300')
    await wrapper.get('form').trigger('submit')
    await vi.waitFor(() => expect(wrapper.get('[data-testid="run-status"]').attributes('data-status')).toBe('done'))
    await flushPromises()
    expect(wrapper.get('[data-testid="chart-stub"]').attributes('data-y-axis')).toBe('value')
    await wrapper.get('[data-testid="chart-scale"] [data-scale="log"] input').setValue(true)
    await flushPromises()
    expect(wrapper.get('[data-testid="chart-stub"]').attributes()).toMatchObject({ 'data-y-axis': 'log', 'data-scale': 'log' })
  })
})
