import { describe, expect, it } from 'vitest'
import { parseExperiment, type ExperimentText } from '../../src/experiment/inputs'
import { localizeInputProblem } from '../../src/experiment/inputProblems'
import { translate } from '../../src/i18n'

const valid: ExperimentText = { nodes: '4', p: '0.9', rounds: '1000', seed: '1' }
const zh = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate('zh-CN', key, params)
const en = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate('en', key, params)

/** Real parser output: if the protocol rewords a message, the Chinese page would show English. */
const BAD_INPUTS: [Partial<ExperimentText>, string][] = [
  [{ nodes: '' }, '必填。'],
  [{ nodes: '4,x' }, 'x 不是数字。'],
  [{ nodes: '0' }, '0 不是 ≥ 1 的整数。'],
  [{ nodes: '20000' }, '20000 超过了上限 10000。'],
  [{ nodes: '4,,7' }, '列表中有空项。'],
  [{ rounds: '10,20' }, '10,20 是列表或范围，这里只需要一个值。'],
  [{ p: '2' }, '2 不是 0 到 1 之间的概率。'],
  [{ p: '0.5:1' }, '0.5:1 需要步长，例如 0.5:1:0.05。'],
  [{ p: '0.5:1:0' }, '步长 0 必须大于 0。'],
  [{ nodes: '4:10:0.5' }, '步长 0.5 必须是整数。'],
  [{ p: '1:0.5:0.1' }, '起点 1 大于终点 0.5。'],
  [{ p: '0:1:0.00001' }, '0:1:0.00001 产生 100001 个值，超过允许的 10000 个。'],
]

describe('localizeInputProblem', () => {
  it.each(BAD_INPUTS)('translates the parser message for %o', (change, expected) => {
    const problems = Object.values(parseExperiment({ ...valid, ...change }).problems)
    expect(problems).toHaveLength(1)
    expect(localizeInputProblem(problems[0] as string, zh)).toBe(expected)
  })

  it('translates the sweep size limits', () => {
    const rounds = parseExperiment({ nodes: '4:10', p: '0.9', rounds: '1000000000', seed: '1' }).problems.rounds as string
    expect(localizeInputProblem(rounds, zh)).toBe('节点数 × p × 轮数共 7000000000 轮，超过允许的 1000000000 轮。')
    const work = 'the sweep is too large: Σ rounds × N² = 1.23e+13 messages, more than the 1e+12 allowed (use the CLI for bigger runs)'
    expect(localizeInputProblem(work, en)).toBe(
      'This sweep is too large for the server (about 1.23e+13 messages); use the command line for bigger runs.',
    )
  })

  it('shows an unknown message as it came', () => {
    expect(localizeInputProblem('something new', zh)).toBe('something new')
  })
})
