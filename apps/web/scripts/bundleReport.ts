/**
 * What each route of the built web app makes a browser download, gzipped: the entry chunk,
 * the route's page chunk and everything they import statically, CSS included. Run it after
 * `vite build`:
 *
 *   pnpm --filter @pbft/web build && pnpm --filter @pbft/web bundle-report
 *
 * The node route is what every student's phone loads over the classroom Wi-Fi; the e2e suite
 * asserts it stays within NODE_ROUTE_BUDGET_BYTES.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'

/** 350 KB gzip for the node page with the shell (the original app shipped 788 KB for everything). */
export const NODE_ROUTE_BUDGET_BYTES = 350 * 1024
export const NODE_PAGE = 'src/pages/NodePage.vue'
export const DEFAULT_DIST = fileURLToPath(new URL('../dist', import.meta.url))

/** One entry of Vite's `.vite/manifest.json`. */
export interface ManifestChunk {
  file: string
  src?: string
  isEntry?: boolean
  isDynamicEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
  css?: string[]
  assets?: string[]
}
export type Manifest = Record<string, ManifestChunk>

export interface RouteBundle {
  /** The page's source, e.g. `src/pages/NodePage.vue`. */
  page: string
  /** Files downloaded to show the page: JS and CSS, entry included. */
  files: string[]
  rawBytes: number
  gzipBytes: number
  /** Loaded later, when the page asks for it (lazy components, workers). */
  onDemandFiles: string[]
  onDemandGzipBytes: number
}

/** The manifest keys reachable from `roots` through static imports, roots included. */
export function staticClosure(manifest: Manifest, roots: readonly string[]): Set<string> {
  const seen = new Set<string>()
  const stack = [...roots]
  while (stack.length > 0) {
    const key = stack.pop() as string
    if (seen.has(key)) continue
    const chunk = manifest[key]
    if (!chunk) throw new Error(`manifest has no chunk ${key}`)
    seen.add(key)
    stack.push(...(chunk.imports ?? []))
  }
  return seen
}

/** The JS and CSS files of a set of chunks. */
export function filesOf(manifest: Manifest, keys: Iterable<string>): string[] {
  const files = new Set<string>()
  for (const key of keys) {
    const chunk = manifest[key] as ManifestChunk
    files.add(chunk.file)
    for (const css of chunk.css ?? []) files.add(css)
  }
  return [...files].sort()
}

export function entryKey(manifest: Manifest): string {
  const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry)
  if (!entry) throw new Error('manifest has no entry chunk')
  return entry[0]
}

/** The files of the page `page` (a manifest key such as `src/pages/NodePage.vue`). */
export function routeFiles(manifest: Manifest, page: string): { files: string[]; onDemand: string[] } {
  const eager = staticClosure(manifest, [entryKey(manifest), page])
  const files = filesOf(manifest, eager)
  // What the page's own chunks load later: their dynamic imports (and those chunks' imports), and assets such as workers.
  const lazyRoots = [...eager]
    .filter((key) => key !== entryKey(manifest))
    .flatMap((key) => manifest[key]?.dynamicImports ?? [])
    .filter((key) => !eager.has(key))
  const lazy = [...staticClosure(manifest, lazyRoots)].filter((key) => !eager.has(key))
  const assets = [...eager, ...lazy].flatMap((key) => manifest[key]?.assets ?? []).filter((file) => /\.(js|css)$/.test(file))
  const onDemand = [...new Set([...filesOf(manifest, lazy), ...assets])].filter((file) => !files.includes(file)).sort()
  return { files, onDemand }
}

function sizes(distDir: string, files: readonly string[]): { raw: number; gzip: number } {
  let raw = 0
  let gzip = 0
  for (const file of files) {
    const bytes = readFileSync(join(distDir, file))
    raw += bytes.length
    gzip += gzipSync(bytes).length
  }
  return { raw, gzip }
}

export function readManifest(distDir: string = DEFAULT_DIST): Manifest {
  const path = join(distDir, '.vite', 'manifest.json')
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`pnpm --filter @pbft/web build\` first`)
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest
}

/** Every page route (`src/pages/*.vue`) of the build, with its sizes; index.html counts for all. */
export function measureRoutes(distDir: string = DEFAULT_DIST): RouteBundle[] {
  const manifest = readManifest(distDir)
  const html = sizes(distDir, ['index.html'])
  return Object.keys(manifest)
    .filter((key) => /^src\/pages\/.+\.vue$/.test(key))
    .sort()
    .map((page) => {
      const { files, onDemand } = routeFiles(manifest, page)
      const eager = sizes(distDir, files)
      return {
        page,
        files,
        rawBytes: eager.raw + html.raw,
        gzipBytes: eager.gzip + html.gzip,
        onDemandFiles: onDemand,
        onDemandGzipBytes: sizes(distDir, onDemand).gzip,
      }
    })
}

export function formatReport(routes: readonly RouteBundle[]): string {
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`
  const lines = routes.map(
    (route) =>
      `${route.page.padEnd(32)} ${kb(route.gzipBytes).padStart(10)} gzip ${kb(route.rawBytes).padStart(10)} raw` +
      (route.onDemandFiles.length > 0 ? `   + ${kb(route.onDemandGzipBytes)} gzip on demand` : ''),
  )
  return ['route (entry + page + static imports + CSS)', ...lines].join('\n') + '\n'
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const routes = measureRoutes(process.argv[2] ?? DEFAULT_DIST)
  process.stdout.write(formatReport(routes))
  const node = routes.find((route) => route.page === NODE_PAGE)
  if (node && node.gzipBytes > NODE_ROUTE_BUDGET_BYTES) {
    process.stderr.write(`the node route needs ${node.gzipBytes} bytes gzip, over the budget of ${NODE_ROUTE_BUDGET_BYTES}\n`)
    process.exitCode = 1
  }
}
