import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as engine from '../src/index'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')

/** Every module `src/index.ts` reaches through relative imports. */
function moduleGraph(entry: string): Map<string, string> {
  const seen = new Map<string, string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    const text = readFileSync(file, 'utf8')
    seen.set(file, text)
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const target = join(dirname(file), match[1] ?? '')
      visit(target.endsWith('.ts') ? target : `${target}.ts`)
    }
  }
  visit(entry)
  return seen
}

describe('the public entry point', () => {
  it('offers the documented API', () => {
    const names = ['runRound', 'LiveRound', 'successProbability', 'simulate', 'sweep', 'wilson95', 'normalizeRound', 'judgeRound', 'Rng']
    const rulesAndTails = ['QUORUM_RULES', 'ROUND_OUTCOMES', 'failureProbability', 'log10SuccessProbability', 'reliability']
    for (const name of [...names, ...rulesAndTails, 'clientAcceptProbability', 'clientReliability', 'quorumThresholds']) {
      expect(engine, name).toHaveProperty(name)
    }
  })

  it('runs in the browser: nothing it reaches imports a Node built-in', () => {
    const graph = moduleGraph(join(SRC, 'index.ts'))
    expect(graph.size).toBeGreaterThan(10)
    for (const [file, text] of graph) {
      expect(text, file).not.toMatch(/from\s+'node:|from\s+'(fs|os|path|worker_threads|crypto)'/)
      expect(file, 'the worker pool stays behind @pbft/engine/node').not.toContain(`${SRC}/node/`)
    }
  })
})
