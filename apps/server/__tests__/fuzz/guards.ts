import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { expect } from 'vitest'

/**
 * Process-level guards for the fuzz suites: any unhandled rejection or uncaught exception while
 * fuzzing fails the suite (vitest would otherwise report it after the fact, or not at all when
 * the server swallows it into a log line).
 */
export function installCrashGuards(): { check(): void; remove(): void } {
  const problems: string[] = []
  const onRejection = (reason: unknown): void => {
    problems.push(`unhandledRejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`)
  }
  const onException = (error: Error): void => {
    problems.push(`uncaughtException: ${error.stack ?? error.message}`)
  }
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  return {
    check() {
      expect(problems, 'no unhandled rejection or uncaught exception').toEqual([])
    },
    remove() {
      process.off('unhandledRejection', onRejection)
      process.off('uncaughtException', onException)
    },
  }
}

/** Heap growth allowed over a whole fuzz suite (after a GC when --expose-gc is on). */
export const HEAP_GROWTH_LIMIT_MB = 200

/** A full GC, exposed at run time (vitest workers do not start with --expose-gc). */
function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed) return exposed()
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

/** Heap in use after a full GC, in MB. */
export function heapUsedMb(): number {
  collectGarbage()
  collectGarbage()
  return process.memoryUsage().heapUsed / 2 ** 20
}

/** Throws `message` unless `condition`: cheaper than expect() inside properties of thousands of runs. */
export function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message())
}

/** `{ error: { code, message } }` and nothing else: the one error shape. */
export function isErrorBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false
  const keys = Object.keys(body)
  if (keys.length !== 1 || keys[0] !== 'error') return false
  const error = (body as { error: unknown }).error
  if (typeof error !== 'object' || error === null) return false
  const { code, message } = error as { code?: unknown; message?: unknown }
  return typeof code === 'string' && code !== '' && typeof message === 'string' && Object.keys(error).length === 2
}
