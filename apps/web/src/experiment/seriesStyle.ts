/**
 * How the N-th value of N is drawn. Colours are the Okabe–Ito palette (distinguishable with the
 * common colour-vision deficiencies); each N also gets its own marker shape, so the chart does
 * not rely on colour alone. Theory is always dashed, Monte-Carlo solid or as points.
 */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const
const SYMBOLS = ['circle', 'rect', 'triangle', 'diamond', 'emptyCircle', 'emptyRect', 'emptyTriangle'] as const

export interface SeriesStyle {
  colour: string
  symbol: string
}

export function seriesStyle(index: number): SeriesStyle {
  return {
    colour: COLOURS[index % COLOURS.length] ?? '#000000',
    symbol: SYMBOLS[Math.floor(index / COLOURS.length + index) % SYMBOLS.length] ?? 'circle',
  }
}
