import { SWEEP_CSV_COLUMNS, sweepCsv, type ExperimentPoint, type QuorumRule } from '@pbft/protocol'
import type { CurvePoint } from './convergence'
import type { ExperimentInputs, ExperimentMode } from './inputs'

/** The columns of `pbft sweep --csv`, in its order (one definition, in the protocol). */
export const EXPERIMENT_CSV_COLUMNS = SWEEP_CSV_COLUMNS

/**
 * One row per point: a file exported here opens in the same scripts as one the CLI wrote; each
 * row names its quorum rule (the `quorumRule` column), so a file of both rules stays readable.
 */
export function toCsv(points: readonly ExperimentPoint[]): string {
  return sweepCsv(points)
}

/** Where the numbers were computed. */
export type ExperimentSource = 'browser' | 'server'

/** A convergence curve as exported: the rule it ran under and its exact values are appended fields. */
export interface ExportedCurve {
  nodes: number
  theory: number
  points: CurvePoint[]
  quorumRule: QuorumRule
  /** The exact 1 − P, summed without cancellation. */
  theoryFailure: number
}

/**
 * Bump `v` (and keep a reader for the old shape) whenever a field changes meaning. Appended
 * fields do not: `config.quorumRules`, and each curve's `quorumRule` and `theoryFailure`.
 */
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
  /** Convergence runs: the cumulative success rate curve of each N and rule (downsampled). */
  curves: ExportedCurve[]
  results: ExperimentPoint[]
}

export interface ExperimentExportInput {
  appVersion: string
  exportedAt: Date
  mode: ExperimentMode
  source: ExperimentSource
  experimentId: string | null
  config: ExperimentInputs
  curves: readonly (Omit<ExportedCurve, 'points'> & { points: readonly CurvePoint[] })[]
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
    config: {
      nodes: [...input.config.nodes],
      p: [...input.config.p],
      rounds: input.config.rounds,
      seed: input.config.seed,
      quorumRules: [...input.config.quorumRules],
    },
    curves: input.curves.map((curve) => ({
      nodes: curve.nodes,
      theory: curve.theory,
      points: [...curve.points],
      quorumRule: curve.quorumRule,
      theoryFailure: curve.theoryFailure,
    })),
    results: [...input.results],
  }
}

/** `pbft-experiment-sweep-2025-01-31T10-20-30Z`: sortable, and safe on every file system. */
export function exportFileName(mode: ExperimentMode, at: Date, extension: string): string {
  const stamp = at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')
  return `pbft-experiment-${mode}-${stamp}.${extension}`
}
