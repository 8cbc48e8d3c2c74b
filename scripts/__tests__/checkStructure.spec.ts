import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkStructure } from '../checkStructure'
import { countLines, MAX_LINES } from '../fileSizes'
import { buildImportGraph, findCycles } from '../importGraph'
import { productionSources } from '../sourceFiles'

let root: string | null = null

/** A throw-away workspace with these files (path → text). */
function workspace(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'pbft-structure-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true })
  root = null
})

const lines = (count: number): string => 'export const x = 1\n'.repeat(count)

describe('productionSources', () => {
  it('lists src files of every app and package and the load tests, not tests, benches or declarations', () => {
    const at = workspace({
      'apps/server/src/app.ts': '',
      'apps/server/src/x.spec.ts': '',
      'apps/server/__tests__/a.spec.ts': '',
      'apps/server/loadtest/run.ts': '',
      'apps/server/loadtest/probe.mjs': '',
      'apps/web/src/App.vue': '',
      'apps/web/src/env.d.ts': '',
      'packages/engine/src/index.ts': '',
      'packages/engine/src/__benchmarks__/b.ts': '',
      'packages/engine/src/x.bench.ts': '',
      'packages/engine/README.md': '',
    })
    expect(productionSources(at)).toEqual([
      'apps/server/loadtest/probe.mjs',
      'apps/server/loadtest/run.ts',
      'apps/server/src/app.ts',
      'apps/web/src/App.vue',
      'packages/engine/src/index.ts',
    ])
  })
})

describe('findCycles', () => {
  it('finds a cycle of relative imports, type-only and re-exports included', () => {
    const at = workspace({
      'packages/a/src/one.ts': "import { two } from './two'\nexport const one = two\n",
      'packages/a/src/two.ts': "export { three as two } from './deep/three'\n",
      'packages/a/src/deep/three.ts': "import type { One } from '../one'\nexport const three = 3\n",
      'packages/a/src/alone.ts': "import { one } from './one'\n",
    })
    expect(findCycles(buildImportGraph(at, productionSources(at)))).toEqual([['packages/a/src/deep/three.ts', 'packages/a/src/one.ts', 'packages/a/src/two.ts']])
  })

  it('follows workspace packages through their exports, dynamic imports and .vue scripts', () => {
    const at = workspace({
      'packages/lib/package.json': JSON.stringify({ name: '@pbft/lib', exports: { '.': './src/index.ts', './node': './src/node/index.ts' } }),
      'packages/lib/src/index.ts': "export const lib = () => import('@pbft/web-bits/Page.vue')\n",
      'packages/lib/src/node/index.ts': '',
      'apps/web/package.json': JSON.stringify({ name: '@pbft/web-bits', exports: { './Page.vue': './src/Page.vue' } }),
      'apps/web/src/Page.vue': "<template><p /></template>\n<script setup lang=\"ts\">\nimport { lib } from '@pbft/lib'\nimport '@pbft/lib/node'\nimport 'vue'\n</script>\n",
    })
    const graph = buildImportGraph(at, productionSources(at))
    expect(graph.get('apps/web/src/Page.vue')).toEqual(['packages/lib/src/index.ts', 'packages/lib/src/node/index.ts'])
    expect(findCycles(graph)).toEqual([['apps/web/src/Page.vue', 'packages/lib/src/index.ts']])
  })

  it('finds nothing in a graph without cycles', () => {
    const at = workspace({ 'packages/a/src/one.ts': "import './two'\n", 'packages/a/src/two.ts': "import 'node:fs'\n" })
    expect(findCycles(buildImportGraph(at, productionSources(at)))).toEqual([])
  })
})

describe('checkStructure', () => {
  it('fails on an import cycle, naming the loop', () => {
    const at = workspace({ 'apps/x/src/a.ts': "import './b'\n", 'apps/x/src/b.ts': "import './a'\n" })
    const problems = checkStructure(at).problems.filter((problem) => problem.startsWith('import cycle'))
    expect(problems).toEqual(['import cycle: apps/x/src/a.ts → apps/x/src/b.ts → apps/x/src/a.ts'])
  })

  it(`fails on a file over ${MAX_LINES} lines, and passes one at the limit`, () => {
    const at = workspace({ 'apps/x/src/long.ts': lines(MAX_LINES + 1), 'apps/x/src/fits.ts': lines(MAX_LINES) })
    const problems = checkStructure(at).problems.filter((problem) => problem.startsWith('apps/x'))
    expect(problems).toEqual([`apps/x/src/long.ts: ${MAX_LINES + 1} lines, more than ${MAX_LINES}: split it by concern`])
  })

  it('reports allowances that no longer match anything, so they cannot outlive their reason', () => {
    const allowances = { sizes: { 'apps/x/src/a.ts': 'was long' }, cycles: [{ files: ['apps/x/src/a.ts', 'apps/x/src/b.ts'], why: 'was a loop' }] }
    const problems = checkStructure(workspace({ 'apps/x/src/a.ts': '' }), allowances).problems
    expect(problems.some((problem) => problem.includes('is allowed over'))).toBe(true)
    expect(problems.some((problem) => problem.includes('allowed import cycle'))).toBe(true)
  })
})

describe('countLines', () => {
  it('counts like wc -l, plus a last line without a newline', () => {
    expect([countLines(''), countLines('a'), countLines('a\n'), countLines('a\nb'), countLines('a\n\n')]).toEqual([0, 1, 1, 2, 2])
  })
})
