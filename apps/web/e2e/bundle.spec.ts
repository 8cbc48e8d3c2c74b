import { describe, expect, it } from 'vitest'
import {
  measureRoutes,
  NODE_PAGE,
  NODE_ROUTE_BUDGET_BYTES,
  routeFiles,
  staticClosure,
  type Manifest,
} from '../scripts/bundleReport'
import { WEB_DIST } from './support/server'

describe('the bundle report', () => {
  const manifest: Manifest = {
    'index.html': { file: 'a/index.js', isEntry: true, imports: ['_shared.js'], dynamicImports: ['src/pages/A.vue'], css: ['a/index.css'] },
    '_shared.js': { file: 'a/shared.js' },
    'src/pages/A.vue': {
      file: 'a/A.js',
      isDynamicEntry: true,
      imports: ['_shared.js', '_charts.js'],
      dynamicImports: ['src/Lazy.vue'],
      css: ['a/A.css'],
      assets: ['a/worker.js'],
    },
    '_charts.js': { file: 'a/charts.js', css: ['a/charts.css'] },
    'src/Lazy.vue': { file: 'a/Lazy.js', isDynamicEntry: true, imports: ['_shared.js', '_big.js'] },
    '_big.js': { file: 'a/big.js' },
  }

  it('follows static imports transitively, once each', () => {
    expect([...staticClosure(manifest, ['index.html', 'src/pages/A.vue'])].sort()).toEqual([
      '_charts.js',
      '_shared.js',
      'index.html',
      'src/pages/A.vue',
    ])
  })

  it("counts a route's JS and CSS, and what it loads later separately", () => {
    expect(routeFiles(manifest, 'src/pages/A.vue')).toEqual({
      files: ['a/A.css', 'a/A.js', 'a/charts.css', 'a/charts.js', 'a/index.css', 'a/index.js', 'a/shared.js'],
      onDemand: ['a/Lazy.js', 'a/big.js', 'a/worker.js'],
    })
  })
})

describe('the built app', () => {
  const routes = measureRoutes(WEB_DIST)

  it('has one chunk per page', () => {
    expect(routes.map((route) => route.page)).toEqual([
      'src/pages/ExperimentPage.vue',
      'src/pages/HistoryPage.vue',
      'src/pages/HomePage.vue',
      'src/pages/JoinPage.vue',
      'src/pages/NodePage.vue',
      'src/pages/NotFoundPage.vue',
    ])
  })

  it(`keeps the node route (what every phone downloads) within ${NODE_ROUTE_BUDGET_BYTES / 1024} KB gzip`, () => {
    const node = routes.find((route) => route.page === NODE_PAGE)
    expect(node?.gzipBytes).toBeGreaterThan(0)
    expect(node?.gzipBytes).toBeLessThanOrEqual(NODE_ROUTE_BUDGET_BYTES)
  })

  it('keeps ECharts out of the shell: only the Experiment page loads it, on demand', () => {
    const node = routes.find((route) => route.page === NODE_PAGE)
    const experiment = routes.find((route) => route.page === 'src/pages/ExperimentPage.vue')
    expect(node?.files.some((file) => /ExperimentChart/.test(file))).toBe(false)
    expect(experiment?.onDemandFiles.some((file) => /ExperimentChart.*\.js$/.test(file))).toBe(true)
  })
})
