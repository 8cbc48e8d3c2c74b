import type {
  AriaComponentOption,
  ComposeOption,
  CustomSeriesOption,
  CustomSeriesRenderItem,
  GridComponentOption,
  LegendComponentOption,
  LineSeriesOption,
  ScatterSeriesOption,
  TooltipComponentOption,
} from 'echarts'
import { successProbability } from '@pbft/engine'
import type { ExperimentPoint } from '@pbft/protocol'
import type { CurvePoint } from './convergence'
import { seriesStyle } from './seriesStyle'

/**
 * ECharts options of the Experiment page, as pure functions of the results: the chart component
 * only renders them, and the unit tests read them (which series is dashed, which colour is N).
 */

type ChartOption = ComposeOption<
  | LineSeriesOption
  | ScatterSeriesOption
  | CustomSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | AriaComponentOption
>

/**
 * What the page renders: the option, plus the changes ECharts applies on narrow charts. (A type
 * alias, not an interface, so that it is assignable to ECharts' index-signature option type.)
 */
export type ExperimentChartOption = {
  baseOption: ChartOption
  media: { query: { maxWidth: number }; option: ChartOption }[]
}

type Series = LineSeriesOption | ScatterSeriesOption | CustomSeriesOption

export interface ChartLabels {
  round: string
  successRate: string
  p: string
  cumulative: (nodes: number) => string
  monteCarlo: (nodes: number) => string
  theory: (nodes: number) => string
}

export interface ConvergenceCurve {
  nodes: number
  /** The exact success probability at this run's p. */
  theory: number
  points: readonly CurvePoint[]
}

/** Markers per curve: enough to tell the lines apart without colour, few enough not to clutter. */
const MARKERS_PER_CURVE = 8

/** Legend entries that still fit in rows above the plot; past this the legend scrolls on one line. */
const MAX_WRAPPED_LEGEND_ENTRIES = 8
/** A chart narrower than this is a phone's. */
const NARROW_CHART = 560
const LEGEND_ROW_HEIGHT = 24

/** Top margin of the plot under a legend of `rows` rows. */
const plotTop = (rows: number): number => 20 + rows * LEGEND_ROW_HEIGHT

/**
 * A one-line scrolling legend shows a single entry at a time on a phone. So a few entries wrap
 * into rows instead (about four per row on a desktop, two on a phone), and the plot moves down
 * to make room; only long legends scroll.
 */
function responsive(option: ChartOption, legendEntries: number): ExperimentChartOption {
  if (legendEntries > MAX_WRAPPED_LEGEND_ENTRIES) {
    return { baseOption: { ...option, legend: { type: 'scroll', top: 0 }, grid: { ...option.grid, top: plotTop(1) } }, media: [] }
  }
  return {
    baseOption: {
      ...option,
      legend: { type: 'plain', top: 0 },
      grid: { ...option.grid, top: plotTop(Math.ceil(legendEntries / 4)) },
    },
    media: [{ query: { maxWidth: NARROW_CHART }, option: { grid: { top: plotTop(Math.ceil(legendEntries / 2)) } } }],
  }
}

function commonOption(labels: ChartLabels): ChartOption {
  return {
    // Live updates arrive ten times a second; animating each one would only blur them.
    animation: false,
    // ECharts writes a description of the chart (series names, values) for screen readers.
    aria: { enabled: true },
    // The grid's box holds the axis labels and names too, so nothing is cut off on a phone.
    grid: { left: 8, right: 20, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: { trigger: 'axis', valueFormatter: (value) => (typeof value === 'number' ? value.toFixed(4) : String(value)) },
    yAxis: {
      type: 'value',
      name: labels.successRate,
      nameLocation: 'middle',
      nameGap: 40,
      max: 1,
      // Zoom in on the data, in steps of 0.05, but never below 0.
      min: (extent: { min: number }) => Math.max(0, Math.floor(extent.min * 20) / 20),
    },
  }
}

/**
 * Convergence of single-p runs: per N, the cumulative Monte-Carlo success rate after each round
 * (solid, with a few markers in the N's shape) and the exact value as a flat dashed line.
 */
export function convergenceOption(curves: readonly ConvergenceCurve[], rounds: number, labels: ChartLabels): ExperimentChartOption {
  const series: Series[] = []
  curves.forEach((curve, index) => {
    const { colour, symbol } = seriesStyle(index)
    // Points sit every `stride` rounds (the first one at round `stride`), so the final count is known.
    const stride = curve.points[0]?.[0] ?? 1
    const every = Math.max(1, Math.ceil(Math.ceil(rounds / stride) / MARKERS_PER_CURVE))
    // Stagger the markers of different N so that they do not sit on top of each other.
    const offset = Math.floor((every * index) / Math.max(1, curves.length))
    series.push({
      type: 'line',
      name: labels.cumulative(curve.nodes),
      data: curve.points.map(([round, rate], i) =>
        (i + offset) % every === every - 1 ? { value: [round, rate], symbol } : { value: [round, rate], symbol: 'none' },
      ),
      symbol,
      symbolSize: 8,
      showSymbol: true,
      color: colour,
      lineStyle: { type: 'solid', width: 2 },
      z: 3,
    })
    series.push({
      type: 'line',
      name: labels.theory(curve.nodes),
      data: [
        [1, curve.theory],
        [rounds, curve.theory],
      ],
      // The N's marker shows in the legend only (ECharts would draw a circle for 'none').
      symbol,
      showSymbol: false,
      color: colour,
      lineStyle: { type: 'dashed', width: 2 },
      z: 2,
    })
  })
  const option: ChartOption = {
    ...commonOption(labels),
    xAxis: { type: 'value', name: labels.round, nameLocation: 'middle', nameGap: 28, min: 1, max: rounds },
    series,
  }
  return responsive(option, 2 * curves.length)
}

/** `[p, exact success probability]` on a grid fine enough to look smooth, plus every measured p. */
export function theoryCurve(nodes: number, ps: readonly number[], samples = 200): [number, number][] {
  if (ps.length === 0) return []
  const low = Math.min(...ps)
  const high = Math.max(...ps)
  const grid = new Set<number>(ps)
  for (let i = 0; i <= samples; i++) grid.add(low + ((high - low) * i) / samples)
  return [...grid].sort((a, b) => a - b).map((p) => [p, successProbability(nodes, p)])
}

export interface TheoryCurve {
  nodes: number
  points: readonly (readonly [number, number])[]
}

/** An error bar: a vertical line from the interval's low to its high end, with short caps. */
const renderErrorBar: CustomSeriesRenderItem = (_params, api) => {
  const p = api.value(0)
  const low = api.coord([p, api.value(1)])
  const high = api.coord([p, api.value(2)])
  const [x = 0, yLow = 0] = low
  const [, yHigh = 0] = high
  const cap = 4
  const style = { stroke: api.visual('color') as string, lineWidth: 1.5 }
  return {
    type: 'group',
    children: [
      { type: 'line', shape: { x1: x, y1: yLow, x2: x, y2: yHigh }, style },
      { type: 'line', shape: { x1: x - cap, y1: yLow, x2: x + cap, y2: yLow }, style },
      { type: 'line', shape: { x1: x - cap, y1: yHigh, x2: x + cap, y2: yHigh }, style },
    ],
  }
}

/**
 * A sweep over p: per N, the Monte-Carlo points (in the N's shape) with 95 % error bars, and the
 * exact curve dashed. `nodes` fixes the colour order, so N keeps its colour as points arrive.
 */
export function sweepOption(
  nodes: readonly number[],
  points: readonly ExperimentPoint[],
  theory: readonly TheoryCurve[],
  labels: ChartLabels,
): ExperimentChartOption {
  const series: Series[] = []
  nodes.forEach((n, index) => {
    const { colour, symbol } = seriesStyle(index)
    const mine = points.filter((point) => point.nodes === n)
    const name = labels.monteCarlo(n)
    series.push({
      type: 'scatter',
      name,
      data: mine.map((point) => [point.p, point.successRate]),
      symbol,
      symbolSize: 8,
      color: colour,
      z: 4,
    })
    // Same name as the points: the legend shows and hides them together.
    series.push({
      type: 'custom',
      name,
      data: mine.map((point) => [point.p, point.ci95[0], point.ci95[1]]),
      renderItem: renderErrorBar,
      encode: { x: 0, y: [1, 2] },
      color: colour,
      tooltip: { show: false },
      z: 3,
    })
    const exact = theory.find((curve) => curve.nodes === n)
    series.push({
      type: 'line',
      name: labels.theory(n),
      data: (exact?.points ?? []).map(([p, rate]) => [p, rate]),
      symbol,
      showSymbol: false,
      color: colour,
      lineStyle: { type: 'dashed', width: 2 },
      z: 2,
    })
  })
  const ps = points.map((point) => point.p).concat(theory.flatMap((curve) => curve.points.map(([p]) => p)))
  const option: ChartOption = {
    ...commonOption(labels),
    xAxis: {
      type: 'value',
      name: labels.p,
      nameLocation: 'middle',
      nameGap: 28,
      ...(ps.length > 0 ? { min: Math.min(...ps), max: Math.max(...ps) } : {}),
    },
    series,
  }
  return responsive(option, 2 * nodes.length)
}
