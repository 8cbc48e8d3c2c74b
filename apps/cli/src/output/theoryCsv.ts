/**
 * The CSV of `pbft theory --csv`: the JSON line's keys as columns, in the same order, one row
 * per (nodes, p) point. New columns go at the end only.
 */
export const THEORY_CSV_COLUMNS = ['nodes', 'f', 'p', 'successRate', 'failureRate', 'log10SuccessRate', 'quorumRule', 'metric'] as const

export interface TheoryCsvPoint {
  nodes: number
  f: number
  p: number
  successRate: number
  failureRate: number
  log10SuccessRate: number | null
  quorumRule: string
  metric: string
}

/** One row; numbers at full precision as JavaScript prints them, a missing value as an empty cell. */
export function theoryCsvRow(point: TheoryCsvPoint): string {
  return THEORY_CSV_COLUMNS.map((column) => {
    const cell = point[column]
    return cell === null ? '' : String(cell)
  }).join(',')
}

export const theoryCsvHeader = (): string => THEORY_CSV_COLUMNS.join(',')
