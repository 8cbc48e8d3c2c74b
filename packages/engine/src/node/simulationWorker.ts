import { parentPort } from 'node:worker_threads'
import { createChunkRunner, planSimulation } from '../simulation/simulate'
import type { SimulationTally } from '../simulation/tally'
import type { ChunkReply, ChunkRequest } from './protocol'

/** Setups (kernel, thresholds, verdict table) kept for the most recent jobs: sweeps send point by point. */
const KEPT_JOBS = 4

const port = parentPort
if (port === null) throw new Error('simulationWorker must run in a worker thread')

const runners = new Map<number, (chunk: number) => SimulationTally>()

function runnerFor(request: ChunkRequest): (chunk: number) => SimulationTally {
  let runner = runners.get(request.jobId)
  if (runner === undefined) {
    runner = createChunkRunner(planSimulation(request.options))
    runners.set(request.jobId, runner)
    const oldest = runners.keys().next().value
    if (runners.size > KEPT_JOBS && oldest !== undefined) runners.delete(oldest)
  }
  return runner
}

port.on('message', (request: ChunkRequest) => {
  let reply: ChunkReply
  try {
    reply = { type: 'tally', index: request.index, tally: runnerFor(request)(request.chunk) }
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error))
    reply = { type: 'error', index: request.index, name, message }
  }
  port.postMessage(reply)
})
