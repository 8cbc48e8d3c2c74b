// Worker threads start without the TypeScript loader of the thread that spawned them (vitest
// transforms in-process; tsx may or may not be registered). Registering tsx here lets the same
// worker run under tsx, vitest and plain node alike.
import { workerData } from 'node:worker_threads'
import { lowerThreadPriority } from './threadPriority.mjs'

// Background work steps aside before it even loads the loader and compiles (see
// ParallelOptions.background), hence the dynamic import of tsx after it.
if (workerData?.background === true) lowerThreadPriority()
const { register } = await import('tsx/esm/api')
register()
await import('./simulationWorker.ts')
