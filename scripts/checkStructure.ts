import { fileURLToPath } from 'node:url'
import { buildImportGraph, describeCycle, findCycles } from './importGraph'
import { MAX_LINES, oversizedFiles } from './fileSizes'
import { productionSources } from './sourceFiles'

/**
 * `pnpm check:structure` (part of `pnpm test`): no import cycle between production source files,
 * and none of them over MAX_LINES lines. Exits 1 naming every problem.
 *
 * The allowances below are temporary and each names why; an allowance that no longer matches
 * anything is itself reported, so it cannot outlive its reason.
 */

/** Files allowed over MAX_LINES for now. */
export const SIZE_ALLOWANCES: Record<string, string> = {}

/**
 * Import cycles allowed for now, each as the sorted list of its files (one strongly connected
 * component of the graph).
 */
export const CYCLE_ALLOWANCES: { files: string[]; why: string }[] = []

export interface StructureReport {
  problems: string[]
  checkedFiles: number
}

/** The allowances a check runs with: the project's own by default, others in tests. */
export interface Allowances {
  sizes: Record<string, string>
  cycles: { files: string[]; why: string }[]
}

export function checkStructure(root: string, allowances: Allowances = { sizes: SIZE_ALLOWANCES, cycles: CYCLE_ALLOWANCES }): StructureReport {
  const { sizes, cycles } = allowances
  const files = productionSources(root)
  const problems: string[] = []

  const graph = buildImportGraph(root, files)
  const allowedCycles = new Set(cycles.map((allowance) => allowance.files.join('\n')))
  const seenCycles = new Set<string>()
  for (const cycle of findCycles(graph)) {
    const key = cycle.join('\n')
    seenCycles.add(key)
    if (!allowedCycles.has(key)) problems.push(`import cycle: ${describeCycle(graph, cycle)}${cycle.length > 2 ? ` (${cycle.length} files in the loop)` : ''}`)
  }
  for (const allowance of cycles) {
    if (!seenCycles.has(allowance.files.join('\n'))) problems.push(`the allowed import cycle of ${allowance.files.join(', ')} is gone (or changed): update CYCLE_ALLOWANCES in scripts/checkStructure.ts`)
  }

  const oversized = oversizedFiles(root, files)
  for (const { file, lines } of oversized) {
    if (sizes[file] === undefined) problems.push(`${file}: ${lines} lines, more than ${MAX_LINES}: split it by concern`)
  }
  for (const file of Object.keys(sizes)) {
    if (!oversized.some((entry) => entry.file === file)) problems.push(`${file} is allowed over ${MAX_LINES} lines but is not (any more): remove it from SIZE_ALLOWANCES in scripts/checkStructure.ts`)
  }
  return { problems, checkedFiles: files.length }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const { problems, checkedFiles } = checkStructure(root)
  if (problems.length > 0) {
    console.error(`structure check failed (${checkedFiles} production source files):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    process.exit(1)
  }
  const allowed = Object.keys(SIZE_ALLOWANCES).length + CYCLE_ALLOWANCES.length
  console.info(`structure check: ${checkedFiles} production source files, no import cycle, none over ${MAX_LINES} lines${allowed > 0 ? ` (${allowed} temporary allowance(s))` : ''}`)
}
