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
import type { ExperimentPoint, QuorumRule } from '@pbft/protocol'
import type { CurveKey, CurvePoint } from './convergence'
import { seriesStyle } from './seriesStyle'
import type { TheoryCurve } from './theoryCurves'

/**
 * ECharts options of the Experiment page, as pure functions of the results: the chart component
 * only renders them, and the unit tests read them (which series is dashed, which colour is N).
 * Each (N, quorum rule) pair has its own colour and marker, and the legend names the rule. The
 * log scale shows 1 − P, the unreliability, where the success rates all look like 1.
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

/** Success rate P, or 1 − P on a logarithmic axis. */
export type ChartScale = 'linear' | 'log'

export interface ChartLabels {
  round: string
  successRate: string
  /** The log axis: 1 − P. */
  failureRate: string
  p: string
  cumulative: (nodes: number, rule: QuorumRule) => string
  monteCarlo: (nodes: number, rule: QuorumRule) => string
  theory: (nodes: number, rule: QuorumRule) => string
}

/** One N under one rule: its exact values and its cumulative rate, growing while it runs. */
export interface ConvergenceCurve extends CurveKey {
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

function commonOption(labels: ChartLabels, scale: ChartScale): ChartOption {
  const yAxis: ChartOption['yAxis'] =
    scale === 'log'
      ? // Powers of ten from the smallest value drawn up to 1.
        { type: 'log', logBase: 10, name: labels.failureRate, nameLocation: 'middle', nameGap: 52, max: 1 }
      : {
          type: 'value',
          name: labels.successRate,
          nameLocation: 'middle',
          nameGap: 40,
          max: 1,
          // Zoom in on the data, in steps of 0.05, but never below 0.
          min: (extent: { min: number }) => Math.max(0, Math.floor(extent.min * 20) / 20),
        }
  return {
    // Live updates arrive ten times a second; animating each one would only blur them.
    animation: false,
    // ECharts writes a description of the chart (series names, values) for screen readers.
    aria: { enabled: true },
    // The grid's box holds the axis labels and names too, so nothing is cut off on a phone.
    grid: { left: 8, right: 20, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (value) => (typeof value !== 'number' ? String(value) : scale === 'log' ? value.toExponential(3) : value.toFixed(4)),
    },
    yAxis,
  }
}

/** Every (N, rule) pair in drawing order: rule by rule, N by N. Its index picks colour and marker. */
export function seriesKeys(nodes: readonly number[], rules: readonly QuorumRule[]): { nodes: number; rule: QuorumRule }[] {
  return rules.flatMap((rule) => nodes.map((n) => ({ nodes: n, rule })))
}

/** A failure rate from successes (exact: (rounds − successes) / rounds, never 1 − a rounded rate). */
function failureOf(successes: number, rounds: number): number {
  return (rounds - successes) / rounds
}

/**
 * Convergence of single-p runs: per (N, rule), the cumulative Monte-Carlo success rate after
 * each round (solid, with a few markers in the pair's shape) and the exact value as a flat
 * dashed line. On the log scale both are 1 − P, and rounds with no failure so far are not drawn.
 */
export function convergenceOption(curves: readonly ConvergenceCurve[], rounds: number, labels: ChartLabels, scale: ChartScale = 'linear'): ExperimentChartOption {
  const series: Series[] = []
  const log = scale === 'log'
  curves.forEach((curve, index) => {
    const { colour, symbol } = seriesStyle(index)
    // Points sit every `stride` rounds (the first one at round `stride`), so the final count is known.
    const stride = curve.points[0]?.[0] ?? 1
    const every = Math.max(1, Math.ceil(Math.ceil(rounds / stride) / MARKERS_PER_CURVE))
    // Stagger the markers of different curves so that they do not sit on top of each other.
    const offset = Math.floor((every * index) / Math.max(1, curves.length))
    const drawn = curve.points
      .map(([round, rate], i) => ({ round, y: log ? 1 - rate : rate, marked: (i + offset) % every === every - 1 }))
      .filter((point) => !log || point.y > 0)
    series.push({
      type: 'line',
      name: labels.cumulative(curve.nodes, curve.quorumRule),
      data: drawn.map(({ round, y, marked }) => (marked ? { value: [round, y], symbol } : { value: [round, y], symbol: 'none' })),
      symbol,
      symbolSize: 8,
      showSymbol: true,
      color: colour,
      lineStyle: { type: 'solid', width: 2 },
      z: 3,
    })
    const exact = log ? curve.theoryFailure : curve.theory
    series.push({
      type: 'line',
      name: labels.theory(curve.nodes, curve.quorumRule),
      data:
        log && exact <= 0
          ? []
          : [
              [1, exact],
              [rounds, exact],
            ],
      // The pair's marker shows in the legend only (ECharts would draw a circle for 'none').
      symbol,
      showSymbol: false,
      color: colour,
      lineStyle: { type: 'dashed', width: 2 },
      z: 2,
    })
  })
  const option: ChartOption = {
    ...commonOption(labels, scale),
    xAxis: { type: 'value', name: labels.round, nameLocation: 'middle', nameGap: 28, min: 1, max: rounds },
    series,
  }
  return responsive(option, 2 * curves.length)
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

/** Monte-Carlo points a log scale cannot draw: those with no failed round (1 − P = 0). */
export function undrawableOnLog(points: readonly ExperimentPoint[]): number {
  return points.filter((point) => point.successes >= point.rounds).length
}

/**
 * A sweep over p: per (N, rule), the Monte-Carlo points (in the pair's shape) with 95 % error
 * bars, and the exact curve dashed. `nodes` and `rules` fix the colour order, so a pair keeps
 * its colour as points arrive. On the log scale: 1 − P, its interval flipped, the exact 1 − P
 * (no cancellation), and points without a failed round left out (see `undrawableOnLog`).
 */
export function sweepOption(
  nodes: readonly number[],
  points: readonly ExperimentPoint[],
  theory: readonly TheoryCurve[],
  labels: ChartLabels,
  scale: ChartScale = 'linear',
  rules: readonly QuorumRule[] = ['original'],
): ExperimentChartOption {
  const series: Series[] = []
  const log = scale === 'log'
  seriesKeys(nodes, rules).forEach(({ nodes: n, rule }, index) => {
    const { colour, symbol } = seriesStyle(index)
    const mine = points.filter((point) => point.nodes === n && (point.quorumRule ?? 'original') === rule && (!log || point.successes < point.rounds))
    const name = labels.monteCarlo(n, rule)
    series.push({
      type: 'scatter',
      name,
      data: mine.map((point) => [point.p, log ? failureOf(point.successes, point.rounds) : point.successRate]),
      symbol,
      symbolSize: 8,
      color: colour,
      z: 4,
    })
    // Same name as the points: the legend shows and hides them together.
    series.push({
      type: 'custom',
      name,
      data: mine.map((point) => (log ? [point.p, 1 - point.ci95[1], 1 - point.ci95[0]] : [point.p, point.ci95[0], point.ci95[1]])),
      renderItem: renderErrorBar,
      encode: { x: 0, y: [1, 2] },
      color: colour,
      tooltip: { show: false },
      z: 3,
    })
    const exact = theory.find((curve) => curve.nodes === n && curve.rule === rule)
    series.push({
      type: 'line',
      name: labels.theory(n, rule),
      data: (exact?.points ?? []).filter(([, , failure]) => !log || failure > 0).map(([p, success, failure]) => [p, log ? failure : success]),
      symbol,
      showSymbol: false,
      color: colour,
      lineStyle: { type: 'dashed', width: 2 },
      z: 2,
    })
  })
  const ps = points.map((point) => point.p).concat(theory.flatMap((curve) => curve.points.map(([p]) => p)))
  const option: ChartOption = {
    ...commonOption(labels, scale),
    xAxis: {
      type: 'value',
      name: labels.p,
      nameLocation: 'middle',
      nameGap: 28,
      ...(ps.length > 0 ? { min: Math.min(...ps), max: Math.max(...ps) } : {}),
    },
    series,
  }
  return responsive(option, 2 * nodes.length * rules.length)
}
