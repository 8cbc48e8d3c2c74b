import type { ExperimentPoint } from '@pbft/protocol'
import type { CurvePoint } from './convergence'
import type { ExperimentInputs, ExperimentMode } from './inputs'

/**
 * The columns of `pbft sweep --csv`, in its order: a file exported here opens in the same
 * scripts as one the CLI wrote.
 */
export const EXPERIMENT_CSV_COLUMNS = [
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
] as const

/** One row per point; numbers as JavaScript prints them (full precision, like the CLI). */
export function toCsv(points: readonly ExperimentPoint[]): string {
  const rows = points.map((point) =>
    [
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
    ].join(','),
  )
  return [EXPERIMENT_CSV_COLUMNS.join(','), ...rows].join('\n') + '\n'
}

/** Where the numbers were computed. */
export type ExperimentSource = 'browser' | 'server'

/** Bump `v` (and keep a reader for the old shape) whenever a field changes meaning. */
export const EXPERIMENT_EXPORT_VERSION = 1

export interface ExperimentExport {
  v: typeof EXPERIMENT_EXPORT_VERSION
  kind: 'pbft-experiment'
  appVersion: string
  /** ISO 8601. */
  exportedAt: string
  mode: ExperimentMode
  source: ExperimentSource
  /** The server's id of the experiment, when it ran there. */
  experimentId: string | null
  config: ExperimentInputs
  /** Convergence runs: the cumulative success rate curve of each N (downsampled). */
  curves: { nodes: number; theory: number; points: CurvePoint[] }[]
  results: ExperimentPoint[]
}

export interface ExperimentExportInput {
  appVersion: string
  exportedAt: Date
  mode: ExperimentMode
  source: ExperimentSource
  experimentId: string | null
  config: ExperimentInputs
  curves: readonly { nodes: number; theory: number; points: readonly CurvePoint[] }[]
  results: readonly ExperimentPoint[]
}

export function toExportDocument(input: ExperimentExportInput): ExperimentExport {
  return {
    v: EXPERIMENT_EXPORT_VERSION,
    kind: 'pbft-experiment',
    appVersion: input.appVersion,
    exportedAt: input.exportedAt.toISOString(),
    mode: input.mode,
    source: input.source,
    experimentId: input.experimentId,
    config: { nodes: [...input.config.nodes], p: [...input.config.p], rounds: input.config.rounds, seed: input.config.seed },
    curves: input.curves.map((curve) => ({ nodes: curve.nodes, theory: curve.theory, points: [...curve.points] })),
    results: [...input.results],
  }
}

/** `pbft-experiment-sweep-2025-01-31T10-20-30Z`: sortable, and safe on every file system. */
export function exportFileName(mode: ExperimentMode, at: Date, extension: string): string {
  const stamp = at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')
  return `pbft-experiment-${mode}-${stamp}.${extension}`
}
