/** A column of a text table: numbers read best right-aligned, words left-aligned. */
export interface Column {
  header: string
  align?: 'left' | 'right'
}

/** Renders rows under their headers, each column as wide as its widest cell, two spaces apart. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? ''
        const width = widths[i] ?? 0
        return column.align === 'left' ? cell.padEnd(width) : cell.padStart(width)
      })
      .join('  ')
      .trimEnd()
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n') + '\n'
}

/** A probability for people: six decimals, or scientific notation when that would show only zeros. */
export function formatRate(rate: number): string {
  if (rate === 0 || rate === 1 || rate >= 1e-4) return rate.toFixed(6)
  return rate.toExponential(3)
}

/** A probability as a percentage with two decimals; tiny non-zero values are not shown as 0. */
export function formatPercent(rate: number): string {
  const percent = rate * 100
  if (percent > 0 && percent < 0.005) return '<0.01%'
  return `${percent.toFixed(2)}%`
}
