/**
 * Runs Monte-Carlo experiments off the main thread, so the page stays responsive (and its
 * progress bar moves) while millions of rounds are played. One task per worker: cancelling is
 * terminating the worker, which stops even a loop that never yields.
 */
import { runExperimentTask } from './experimentTask'
import type { ExperimentTask, WorkerReport } from './messages'

// The DOM lib types `self` as a Window; in a dedicated worker it is this.
interface WorkerScope {
  onmessage: ((event: MessageEvent<ExperimentTask>) => void) | null
  postMessage(message: WorkerReport): void
}

const scope = self as unknown as WorkerScope

scope.onmessage = (event) => runExperimentTask(event.data, (message) => scope.postMessage(message))
