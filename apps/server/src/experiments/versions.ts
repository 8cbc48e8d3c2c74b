import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * The engine's package version, read once from its package.json (the one source of truth):
 * every experiment record carries it, so exported numbers say which engine made them.
 */
export function readEngineVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('@pbft/engine')
    const manifest: unknown = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'))
    const version = (manifest as { version?: unknown }).version
    return typeof version === 'string' ? version : 'unknown'
  } catch {
    return 'unknown'
  }
}
