// Worker threads start without the TypeScript loader of the thread that spawned them (vitest
// transforms in-process; tsx may or may not be registered). Registering tsx here lets the same
// worker run under tsx, vitest and plain node alike.
import { register } from 'tsx/esm/api'

register()
await import('./simulationWorker.ts')
