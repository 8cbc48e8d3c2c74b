import { SWEEP_CSV_COLUMNS, sweepCsvRow, type SweepCsvPoint } from '@pbft/protocol'

/** The CLI's columns after the shared sweep CSV's (which the Experiment page exports too). */
export const VIEWS_CSV_COLUMNS = ['views', 'meanViews', 'clientAcceptRate'] as const

export interface SweepCsvViewsPoint extends SweepCsvPoint {
  views: number
  meanViews: number
  clientAcceptRate: number
}

/**
 * `pbft sweep --csv`: the shared sweep CSV, every column where it was, with the views' columns
 * appended at the end of each row, so scripts that read the shared columns read this file too.
 */
export function sweepCsvWithViews(points: readonly SweepCsvViewsPoint[]): string {
  const header = [...SWEEP_CSV_COLUMNS, ...VIEWS_CSV_COLUMNS].join(',')
  const rows = points.map((point) => [sweepCsvRow(point), ...VIEWS_CSV_COLUMNS.map((column) => String(point[column]))].join(','))
  return [header, ...rows].join('\n') + '\n'
}
