import { describe, expect, it } from 'vitest'
import { successProbability } from '@pbft/engine'
import { convergenceOption, sweepOption, theoryCurve, type ChartLabels, type ExperimentChartOption } from '../../src/experiment/chartOptions'
import { seriesStyle } from '../../src/experiment/seriesStyle'
import { experimentPoint } from '../support/fixtures'

const labels: ChartLabels = {
  round: 'Round',
  successRate: 'Success rate',
  p: 'p',
  cumulative: (n) => `N=${n} cumulative`,
  monteCarlo: (n) => `N=${n} MC`,
  theory: (n) => `N=${n} exact`,
}

interface SeriesView {
  type?: string
  name?: string
  color?: string
  data?: unknown[]
  lineStyle?: { type?: string }
}

const seriesOf = (option: ExperimentChartOption) => option.baseOption.series as SeriesView[]

describe('convergenceOption', () => {
  const option = convergenceOption(
    [
      { nodes: 4, theory: 0.9477, points: [[10, 1], [20, 0.95]] },
      { nodes: 7, theory: 0.9, points: [[10, 0.9], [20, 0.85]] },
    ],
    20,
    labels,
  )

  it('draws, per N, a solid cumulative line and a flat dashed line at the exact value', () => {
    const series = seriesOf(option)
    expect(series.map((s) => [s.type, s.name, s.lineStyle?.type])).toEqual([
      ['line', 'N=4 cumulative', 'solid'],
      ['line', 'N=4 exact', 'dashed'],
      ['line', 'N=7 cumulative', 'solid'],
      ['line', 'N=7 exact', 'dashed'],
    ])
    expect(series[1]?.data).toEqual([
      [1, 0.9477],
      [20, 0.9477],
    ])
  })

  it('gives both lines of one N the same colour, and each N its own', () => {
    const series = seriesOf(option)
    expect(series[0]?.color).toBe(series[1]?.color)
    expect(series[0]?.color).not.toBe(series[2]?.color)
  })

  it('spans the rounds on x and success rates up to 1 on y', () => {
    expect(option.baseOption.xAxis).toMatchObject({ type: 'value', min: 1, max: 20, name: 'Round' })
    expect(option.baseOption.yAxis).toMatchObject({ max: 1, name: 'Success rate' })
  })

  it('wraps a short legend into rows (more of them on a phone), room made above the plot', () => {
    expect(option.baseOption.legend).toEqual({ type: 'plain', top: 0 })
    expect(option.baseOption.grid).toMatchObject({ top: 44 })
    expect(option.media).toEqual([{ query: { maxWidth: 560 }, option: { grid: { top: 68 } } }])
  })

  it('scrolls a long legend on one line', () => {
    const many = convergenceOption(
      [4, 5, 6, 7, 8].map((nodes) => ({ nodes, theory: 0.5, points: [] })),
      20,
      labels,
    )
    expect(many.baseOption.legend).toEqual({ type: 'scroll', top: 0 })
    expect(many.media).toEqual([])
  })
})

describe('sweepOption', () => {
  const points = [experimentPoint({ p: 0.8 }), experimentPoint({ p: 0.9 }), experimentPoint({ nodes: 7, p: 0.8 })]
  const theory = [4, 7].map((nodes) => ({ nodes, points: theoryCurve(nodes, [0.8, 0.9], 10) }))
  const option = sweepOption([4, 7], points, theory, labels)

  it('draws, per N, points, their error bars and the dashed exact curve in one colour', () => {
    const series = seriesOf(option)
    expect(series.map((s) => [s.type, s.name])).toEqual([
      ['scatter', 'N=4 MC'],
      ['custom', 'N=4 MC'],
      ['line', 'N=4 exact'],
      ['scatter', 'N=7 MC'],
      ['custom', 'N=7 MC'],
      ['line', 'N=7 exact'],
    ])
    expect(series[2]?.lineStyle?.type).toBe('dashed')
    expect(new Set(series.slice(0, 3).map((s) => s.color))).toEqual(new Set([seriesStyle(0).colour]))
  })

  it('puts each point and its 95 % interval in the data', () => {
    const series = seriesOf(option)
    expect(series[0]?.data).toEqual([
      [0.8, 0.95],
      [0.9, 0.95],
    ])
    expect(series[1]?.data).toEqual([
      [0.8, 0.935, 0.962],
      [0.9, 0.935, 0.962],
    ])
  })
})

describe('theoryCurve', () => {
  it('covers the measured range on a fine grid, including every measured p', () => {
    const curve = theoryCurve(4, [0.5, 0.73, 1], 10)
    expect(curve[0]).toEqual([0.5, successProbability(4, 0.5)])
    expect(curve.at(-1)).toEqual([1, 1])
    expect(curve.map(([p]) => p)).toContain(0.73)
    expect(curve.length).toBe(12)
  })
})

describe('seriesStyle', () => {
  it('gives the first values of N distinct colour and marker pairs', () => {
    const pairs = Array.from({ length: 20 }, (_, i) => `${seriesStyle(i).colour}/${seriesStyle(i).symbol}`)
    expect(new Set(pairs).size).toBe(20)
  })
})
