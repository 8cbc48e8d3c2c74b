import type { ExperimentPoint } from '@pbft/protocol'
import type { CurvePoint } from '../experiment/convergence'

/** What the page asks the experiment worker to compute. */
export type ExperimentTask =
  | { kind: 'convergence'; nodes: number[]; p: number; rounds: number; seed: number; maxPoints: number }
  | { kind: 'sweep'; nodes: number[]; ps: number[]; rounds: number; seed: number }

/** What the worker reports back, in order; `done` or `error` comes last. */
export type WorkerReport =
  | { kind: 'progress'; done: number; total: number }
  /** Points to append to the curve of `nodes`. */
  | { kind: 'curve'; nodes: number; theory: number; points: CurvePoint[] }
  /** A finished row of the results table. */
  | { kind: 'point'; point: ExperimentPoint }
  | { kind: 'done' }
  | { kind: 'error'; message: string }
