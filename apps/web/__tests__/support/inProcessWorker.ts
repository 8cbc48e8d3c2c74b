import type { ExperimentWorker } from '../../src/workers/createExperimentWorker'
import { runExperimentTask } from '../../src/workers/experimentTask'
import type { ExperimentTask, WorkerReport } from '../../src/workers/messages'

/** The experiment worker, run in-process on a later task: happy-dom has no module workers. */
export class InProcessWorker implements ExperimentWorker {
  onmessage: ((event: MessageEvent<WorkerReport>) => void) | null = null
  onerror: ((event: ErrorEvent) => void) | null = null
  terminated = false
  tasks: ExperimentTask[] = []

  postMessage(task: ExperimentTask): void {
    this.tasks.push(task)
    setTimeout(() =>
      runExperimentTask(task, (report) => {
        if (!this.terminated) this.onmessage?.({ data: report } as MessageEvent<WorkerReport>)
      }),
    )
  }

  terminate(): void {
    this.terminated = true
  }
}

/** A worker that accepts tasks and never answers: for cancelling. */
export class SilentWorker extends InProcessWorker {
  override postMessage(task: ExperimentTask): void {
    this.tasks.push(task)
  }
}
