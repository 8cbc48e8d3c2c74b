import type { SimulateOptions } from '../simulation/simulate'
import type { SimulationTally } from '../simulation/tally'

/** Plain data only: what crosses the thread boundary (no callbacks, no signals). */
export type WorkerSimulateOptions = Omit<SimulateOptions, 'onProgress' | 'signal'>

/** Play chunk `chunk` of the simulation `options` describe; `jobId` lets the worker reuse its setup. */
export interface ChunkRequest {
  index: number
  jobId: number
  options: WorkerSimulateOptions
  chunk: number
}

export type ChunkReply =
  | { type: 'tally'; index: number; tally: SimulationTally }
  | { type: 'error'; index: number; name: string; message: string }
