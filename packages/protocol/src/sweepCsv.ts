/**
 * The CSV of a sweep, one row per (nodes, p) point: what `pbft sweep --csv` prints and what the
 * Experiment page exports, so a file from either opens in the same scripts. New columns go at
 * the end only.
 */
export const SWEEP_CSV_COLUMNS = [
  'nodes',
  'f',
  'p',
  'rounds',
  'seed',
  'successes',
  'successRate',
  'ci95Low',
  'ci95High',
  'theoreticalSuccessRate',
  'failuresPrePrepare',
  'failuresPrepare',
  'failuresCommit',
  'pointSeed',
  'quorumRule',
  'safetyViolations',
] as const

/** What one row is made of (the REST API's ExperimentPoint and the CLI's records both fit). */
export interface SweepCsvPoint {
  nodes: number
  f: number
  p: number | null
  rounds: number
  /** The sweep's seed, as typed. */
  seed: number
  successes: number
  successRate: number
  ci95: readonly [number, number]
  theoreticalSuccessRate: number | null
  failures: { 'pre-prepare': number; prepare: number; commit: number }
  /** The seed the point actually ran on (derived from seed, nodes and p). */
  pointSeed: number
  /** The rule the point ran under (absent in records made before rules: an empty cell). */
  quorumRule?: string
  /** Rounds whose honest replicas decided different values (absent in older records: an empty cell). */
  safetyViolations?: number
}

/** One row; numbers at full precision as JavaScript prints them, a missing value as an empty cell. */
export function sweepCsvRow(point: SweepCsvPoint): string {
  const cells = [
    point.nodes,
    point.f,
    point.p,
    point.rounds,
    point.seed,
    point.successes,
    point.successRate,
    point.ci95[0],
    point.ci95[1],
    point.theoreticalSuccessRate,
    point.failures['pre-prepare'],
    point.failures.prepare,
    point.failures.commit,
    point.pointSeed,
    point.quorumRule,
    point.safetyViolations,
  ]
  return cells.map((cell) => (cell === null || cell === undefined ? '' : String(cell))).join(',')
}

/** The header line and one line per point, newline-terminated. */
export function sweepCsv(points: readonly SweepCsvPoint[]): string {
  return [SWEEP_CSV_COLUMNS.join(','), ...points.map(sweepCsvRow)].join('\n') + '\n'
}
