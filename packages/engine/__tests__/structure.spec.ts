import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The engine's shape as the repository's rules ask (shared/STYLE.md, issue 12): no import
 * cycles, type-only imports included (a cycle makes module order matter and hides a missing
 * layer), and no production file over 350 lines.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')
const MAX_LINES = 350

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(ts|mjs)$/.test(entry) ? [path] : []
  })
}

/** Relative imports and re-exports of a file, resolved to files. */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g)].map((match) => {
    const target = resolve(dirname(file), match[1] ?? '')
    return /\.(ts|mjs)$/.test(target) ? target : `${target}.ts`
  })
}

/** Every cycle found by a depth-first walk of `graph` (file -> files it imports), as a readable path. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const cycles: string[] = []
  const visit = (file: string): void => {
    state.set(file, 'open')
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(SRC, f)).join(' -> '))
      else if (state.get(next) === undefined) visit(next)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file)
  return cycles
}

describe('the engine source', () => {
  const files = sourceFiles(SRC)

  it('has no import cycles', () => {
    expect(files.length).toBeGreaterThan(30)
    expect(findCycles(new Map(files.map((file) => [file, localImports(file)])))).toEqual([])
  })

  it('the check finds a cycle when there is one, type imports included', () => {
    const [a, b, c] = ['a.ts', 'b.ts', 'c.ts'].map((name) => join(SRC, name)) as [string, string, string]
    expect(findCycles(new Map([[a, [b]], [b, [c]], [c, []]]))).toEqual([])
    expect(findCycles(new Map([[a, [b]], [b, [c]], [c, [a]]]))).toEqual(['a.ts -> b.ts -> c.ts -> a.ts'])
    // runRound drives a LiveRound: the edge the types used to close into a cycle.
    expect(localImports(join(SRC, 'round/runRound.ts'))).toContain(join(SRC, 'live/liveRound.ts'))
  })

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES)
    expect(long).toEqual([])
  })
})
