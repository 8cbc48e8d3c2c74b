import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import ts from 'typescript'

/**
 * The import graph of the workspace's source files, and its cycles. Every import counts: static
 * ones, `export … from`, `import type` (a type-only cycle still ties two modules' designs
 * together) and dynamic `import()`. Relative specifiers resolve like the bundler does (`.ts`,
 * `.vue`, `.mjs`, `index.ts`); workspace packages (`@pbft/engine/node`) through their
 * package.json `exports`; anything else is a dependency outside the workspace and ignored.
 */

/** File → the workspace files it imports (paths relative to the root, `/` separators). */
export type ImportGraph = Map<string, string[]>

const RESOLVED_EXTENSIONS = ['', '.ts', '.vue', '.mjs', '/index.ts']

/** The module specifiers a TypeScript (or Vue single-file component) source imports. */
export function importedSpecifiers(path: string, text: string): string[] {
  const code = path.endsWith('.vue') ? vueScripts(text) : text
  const source = ts.createSourceFile(path, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments
      if (argument && ts.isStringLiteralLike(argument)) found.push(argument.text)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The `<script>` blocks of a single-file component, joined. */
function vueScripts(text: string): string {
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '').join('\n')
}

interface WorkspacePackage {
  directory: string
  exports: Record<string, string>
}

/** `@pbft/…` name → where the package lives and what its `exports` map to. */
function workspacePackages(root: string): Map<string, WorkspacePackage> {
  const packages = new Map<string, WorkspacePackage>()
  for (const group of ['apps', 'packages']) {
    const base = join(root, group)
    if (!existsSync(base)) continue
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      const manifest = join(base, entry.name, 'package.json')
      if (!entry.isDirectory() || !existsSync(manifest)) continue
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; exports?: Record<string, string> | string }
      if (!parsed.name) continue
      const exports = typeof parsed.exports === 'string' ? { '.': parsed.exports } : (parsed.exports ?? {})
      packages.set(parsed.name, { directory: `${group}/${entry.name}`, exports })
    }
  }
  return packages
}

/** Builds the graph of `files` (relative to `root`); imports of files outside the set are dropped. */
export function buildImportGraph(root: string, files: readonly string[]): ImportGraph {
  const known = new Set(files)
  const packages = workspacePackages(root)
  const resolve = (from: string, specifier: string): string | null => {
    let base: string | null = null
    if (specifier.startsWith('.')) {
      base = posix.normalize(posix.join(posix.dirname(from), specifier))
    } else {
      const match = /^(@[^/]+\/[^/]+|[^@/][^/]*)(\/.*)?$/.exec(specifier)
      const target = match?.[1] ? packages.get(match[1]) : undefined
      const entry = target?.exports[`.${match?.[2] ?? ''}`]
      if (target && entry) base = posix.normalize(posix.join(target.directory, entry))
    }
    if (base === null) return null
    for (const extension of RESOLVED_EXTENSIONS) {
      const candidate = `${base.replace(/\.js$/, '')}${extension}`
      if (known.has(candidate)) return candidate
    }
    return null
  }
  const graph: ImportGraph = new Map()
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8')
    const targets = importedSpecifiers(file, text)
      .map((specifier) => resolve(file, specifier))
      .filter((target): target is string => target !== null && target !== file)
    graph.set(file, [...new Set(targets)].sort())
  }
  return graph
}

/**
 * The import cycles: every strongly connected component of more than one file (Tarjan's
 * algorithm, iterative so that deep graphs cannot overflow the stack), each as its sorted files.
 */
export function findCycles(graph: ImportGraph): string[][] {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const components: string[][] = []
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }]
    index.set(start, counter)
    low.set(start, counter++)
    stack.push(start)
    onStack.add(start)
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number }
      const targets = graph.get(frame.node) ?? []
      if (frame.next < targets.length) {
        const target = targets[frame.next++] as string
        if (!index.has(target)) {
          index.set(target, counter)
          low.set(target, counter++)
          stack.push(target)
          onStack.add(target)
          work.push({ node: target, next: 0 })
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(target) as number))
        }
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number))
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = []
        let member: string | undefined
        do {
          member = stack.pop() as string
          onStack.delete(member)
          component.push(member)
        } while (member !== frame.node)
        if (component.length > 1) components.push(component.sort())
      }
    }
  }
  return components.sort((a, b) => (a[0] as string).localeCompare(b[0] as string))
}

/** One shortest loop through a cycle's files, for the message: `a.ts → b.ts → a.ts`. */
export function describeCycle(graph: ImportGraph, component: readonly string[]): string {
  const members = new Set(component)
  const start = component[0] as string
  // Breadth-first from the start back to itself, inside the component.
  const previous = new Map<string, string>()
  const queue = [start]
  while (queue.length > 0) {
    const node = queue.shift() as string
    for (const target of graph.get(node) ?? []) {
      if (!members.has(target)) continue
      if (target === start) {
        const path = [node]
        while (path[0] !== start) path.unshift(previous.get(path[0] as string) as string)
        return [...path, start].join(' → ')
      }
      if (!previous.has(target)) {
        previous.set(target, node)
        queue.push(target)
      }
    }
  }
  return component.join(' ↔ ')
}

