import { readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/**
 * The production source files the structure checks look at: every package's and app's `src`,
 * and the server's load-test scripts (they ship with the server and are read like its code).
 * Tests, benchmarks, fixtures and build output are not production source.
 */
export const SOURCE_ROOTS = ['apps/*/src', 'packages/*/src', 'apps/server/loadtest']

/** File name endings that count as source. */
export const SOURCE_EXTENSIONS = ['.ts', '.vue', '.mjs']

const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', '__tests__', '__benchmarks__', '__fixtures__'])

/** Expands `apps/*\/src`-style roots (one `*` segment at most) under `root`. */
function expandRoot(root: string, pattern: string): string[] {
  const [head, ...rest] = pattern.split('/')
  if (head === undefined) return []
  if (head !== '*') {
    const path = join(root, head)
    if (!exists(path)) return []
    return rest.length === 0 ? [path] : expandRoot(path, rest.join('/'))
  }
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name))
    .flatMap((entry) => (rest.length === 0 ? [join(root, entry.name)] : expandRoot(join(root, entry.name), rest.join('/'))))
}

function exists(path: string): boolean {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}

function walk(directory: string, found: string[]): void {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(join(directory, entry.name), found)
    } else if (isSource(entry.name)) {
      found.push(join(directory, entry.name))
    }
  }
}

function isSource(name: string): boolean {
  if (/\.(spec|test|bench)\.[a-z]+$/.test(name) || name.endsWith('.d.ts')) return false
  return SOURCE_EXTENSIONS.some((extension) => name.endsWith(extension))
}

/** Production source files under `root`, as paths relative to it with `/` separators, sorted. */
export function productionSources(root: string, roots: readonly string[] = SOURCE_ROOTS): string[] {
  const found: string[] = []
  for (const pattern of roots) for (const directory of expandRoot(root, pattern)) walk(directory, found)
  return [...new Set(found.map((path) => relative(root, path).split(sep).join('/')))].sort()
}
