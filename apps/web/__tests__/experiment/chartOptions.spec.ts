import { describe, expect, it } from 'vitest'
import { failureProbability, successProbability } from '@pbft/engine'
import { convergenceOption, sweepOption, undrawableOnLog, type ChartLabels, type ExperimentChartOption } from '../../src/experiment/chartOptions'
import { theoryCurve } from '../../src/experiment/theoryCurves'
import { seriesStyle } from '../../src/experiment/seriesStyle'
import { experimentPoint } from '../support/fixtures'

const labels: ChartLabels = {
  round: 'Round',
  successRate: 'Success rate',
  failureRate: '1 - P',
  p: 'p',
  cumulative: (n, rule) => `N=${n} cumulative${rule === 'original' ? '' : ` ${rule}`}`,
  monteCarlo: (n, rule) => `N=${n} MC${rule === 'original' ? '' : ` ${rule}`}`,
  theory: (n, rule) => `N=${n} exact${rule === 'original' ? '' : ` ${rule}`}`,
}

/** A convergence curve of the original rule. */
const curve = (nodes: number, theory: number, points: [number, number][]) => ({ nodes, quorumRule: 'original' as const, theory, theoryFailure: 1 - theory, points })

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
      curve(4, 0.9477, [[10, 1], [20, 0.95]]),
      curve(7, 0.9, [[10, 0.9], [20, 0.85]]),
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
      [4, 5, 6, 7, 8].map((nodes) => curve(nodes, 0.5, [])),
      20,
      labels,
    )
    expect(many.baseOption.legend).toEqual({ type: 'scroll', top: 0 })
    expect(many.media).toEqual([])
  })
})

describe('sweepOption', () => {
  const points = [experimentPoint({ p: 0.8 }), experimentPoint({ p: 0.9 }), experimentPoint({ nodes: 7, p: 0.8 })]
  const theory = [4, 7].map((nodes) => ({ nodes, rule: 'original' as const, points: theoryCurve(nodes, [0.8, 0.9], 'original', false, 10) }))
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

describe('both rules and the log scale', () => {
  const rules = ['original', 'castro-liskov'] as const
  const points = [
    experimentPoint({ p: 0.9 }),
    experimentPoint({ p: 0.99, successes: 1000, successRate: 1, ci95: [0.996, 1] }),
    experimentPoint({ p: 0.9, quorumRule: 'castro-liskov', successes: 790, successRate: 0.79, ci95: [0.76, 0.81] }),
  ]
  const theory = rules.map((rule) => ({ nodes: 4, rule, points: theoryCurve(4, [0.9, 0.99], rule, true, 4) }))

  it('draws each (N, rule) pair in its own colour, the legend naming the rule, each with its dashed exact curve', () => {
    const series = seriesOf(sweepOption([4], points, theory, labels, 'linear', rules))
    expect(series.map((s) => [s.type, s.name, s.lineStyle?.type])).toEqual([
      ['scatter', 'N=4 MC', undefined],
      ['custom', 'N=4 MC', undefined],
      ['line', 'N=4 exact', 'dashed'],
      ['scatter', 'N=4 MC castro-liskov', undefined],
      ['custom', 'N=4 MC castro-liskov', undefined],
      ['line', 'N=4 exact castro-liskov', 'dashed'],
    ])
    expect(series[0]?.color).not.toBe(series[3]?.color)
    expect(series[3]?.data).toEqual([[0.9, 0.79]])
    expect((series[5]?.data as [number, number][])[0]).toEqual([0.9, 0.7907543172404601])
  })

  it('plots 1 − P on a log axis: exact from the engine, points without a failure left out', () => {
    const option = sweepOption([4], points, theory, labels, 'log', rules)
    expect(option.baseOption.yAxis).toMatchObject({ type: 'log', name: '1 - P', max: 1 })
    const series = seriesOf(option)
    // The p = 0.99 point had no failed round: log(0) cannot be drawn.
    expect(series[0]?.data).toEqual([[0.9, 50 / 1000]])
    expect(series[1]?.data).toEqual([[0.9, 1 - 0.962, 1 - 0.935]])
    const exact = series[5]?.data as [number, number][]
    expect(exact.at(-1)).toEqual([0.99, failureProbability(4, 0.99, undefined, 'castro-liskov')])
    expect(undrawableOnLog(points)).toBe(1)
  })

  it('plots a convergence run’s 1 − P from the first failure on, against the exact 1 − P', () => {
    const paper = { nodes: 4, quorumRule: 'castro-liskov' as const, theory: 0.79, theoryFailure: 0.21, points: [[1, 1], [2, 1], [3, 2 / 3]] as [number, number][] }
    const series = seriesOf(convergenceOption([paper], 3, labels, 'log'))
    const drawn = (series[0]?.data as { value: number[] }[]).map((point) => point.value)
    expect(drawn).toHaveLength(1)
    expect(drawn[0]?.[0]).toBe(3)
    expect(drawn[0]?.[1]).toBeCloseTo(1 / 3, 15)
    expect(series[1]?.data).toEqual([
      [1, 0.21],
      [3, 0.21],
    ])
  })
})

describe('theoryCurve', () => {
  it('covers the measured range on a fine grid, including every measured p, with P and 1 − P', () => {
    const curve = theoryCurve(4, [0.5, 0.73, 1], 'original', false, 10)
    expect(curve[0]).toEqual([0.5, successProbability(4, 0.5), 1 - successProbability(4, 0.5)])
    expect(curve.at(-1)).toEqual([1, 1, 0])
    expect(curve.map(([p]) => p)).toContain(0.73)
    expect(curve.length).toBe(12)
  })

  it('computes 1 − P without cancellation when asked (the log scale)', () => {
    // MODEL.md: N = 100, p = 0.99, original rule: 1 − P = 1.8e-35 while P rounds to 1.
    const [point] = theoryCurve(100, [0.99], 'original', true, 0)
    expect(point?.[1]).toBe(1)
    expect(point?.[2]).toBeGreaterThan(1.7e-35)
    expect(point?.[2]).toBeLessThan(1.9e-35)
    expect(theoryCurve(4, [0.9], 'castro-liskov', false, 0)[0]?.[1]).toBe(0.7907543172404601)
  })
})

describe('seriesStyle', () => {
  it('gives the first values of N distinct colour and marker pairs', () => {
    const pairs = Array.from({ length: 20 }, (_, i) => `${seriesStyle(i).colour}/${seriesStyle(i).symbol}`)
    expect(new Set(pairs).size).toBe(20)
  })
})
