import type { ExperimentPoint, QuorumRule } from '@pbft/protocol'
import type { CurveKey, CurvePoint } from '../experiment/convergence'

/** What the page asks the experiment worker to compute (each point once per quorum rule). */
export type ExperimentTask =
  | { kind: 'convergence'; nodes: number[]; p: number; rounds: number; seed: number; maxPoints: number; quorumRules: QuorumRule[] }
  | { kind: 'sweep'; nodes: number[]; ps: number[]; rounds: number; seed: number; quorumRules: QuorumRule[] }

/** What the worker reports back, in order; `done` or `error` comes last. */
export type WorkerReport =
  | { kind: 'progress'; done: number; total: number }
  /** Points to append to the curve of `key` (one N under one rule). */
  | { kind: 'curve'; key: CurveKey; points: CurvePoint[] }
  /** A finished row of the results table. */
  | { kind: 'point'; point: ExperimentPoint }
  | { kind: 'done' }
  | { kind: 'error'; message: string }
