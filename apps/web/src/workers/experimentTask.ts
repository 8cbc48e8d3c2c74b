import { playSweep } from '../experiment/browserSweep'
import { playConvergence } from '../experiment/convergence'
import type { ExperimentTask, WorkerReport } from './messages'

/**
 * The worker's whole job, apart from the wiring: play the task, report as it goes. Kept out of
 * the worker file so that tests can run it in-process.
 */
export function runExperimentTask(task: ExperimentTask, report: (message: WorkerReport) => void): void {
  try {
    if (task.kind === 'convergence') {
      playConvergence(task, {
        onCurve: (key, points) => report({ kind: 'curve', key, points }),
        onProgress: (done, total) => report({ kind: 'progress', done, total }),
        onPoint: (point) => report({ kind: 'point', point }),
      })
    } else {
      playSweep(
        task,
        (point) => report({ kind: 'point', point }),
        (done, total) => report({ kind: 'progress', done, total }),
      )
    }
    report({ kind: 'done' })
  } catch (error) {
    report({ kind: 'error', message: error instanceof Error ? error.message : String(error) })
  }
}
