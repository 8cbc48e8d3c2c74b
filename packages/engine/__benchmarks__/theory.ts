import { QUORUM_RULES, type QuorumRule } from '../src/quorum'
import {
  clientAcceptProbability,
  failureProbability,
  log10SuccessProbability,
  reliability,
  successProbability,
} from '../src/theory/successProbability'

const CASES: readonly { nodes: number; repetitions: number }[] = [
  { nodes: 100, repetitions: 21 },
  { nodes: 1_000, repetitions: 11 },
  { nodes: 10_000, repetitions: 5 },
]
// 0.83 sits in the transition for N = 1000..10000, where the most binomial terms matter.
const PROBABILITIES = [0.83, 0.9, 0.99] as const

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

function time(run: () => unknown, repetitions: number): number {
  const times: number[] = []
  for (let i = 0; i < repetitions; i++) {
    const start = performance.now()
    run()
    times.push(performance.now() - start)
  }
  return median(times)
}

/** Times `successProbability` (median of a few runs) for both rules, one line per (N, p). */
export function runTheoryBench(print: (line: string) => void): void {
  // Warm up the JIT so the first case is not charged for compilation.
  for (let i = 0; i < 20; i++) for (const rule of QUORUM_RULES) successProbability(1_000, 0.83, rule)
  for (const { nodes, repetitions } of CASES) {
    for (const p of PROBABILITIES) {
      const cells = QUORUM_RULES.map((rule) => `${rule} ${time(() => successProbability(nodes, p, rule), repetitions).toFixed(2)} ms`)
      print(`theory  N=${nodes}  p=${p}  ${cells.join('   ')}`)
    }
  }
}

const TAILS: readonly { what: string; run: (rule: QuorumRule) => number }[] = [
  { what: 'P          N=13     p=0.1 ', run: (rule) => successProbability(13, 0.1, rule) },
  { what: '1 - P      N=100    p=0.99', run: (rule) => failureProbability(100, 0.99, rule) },
  { what: 'log10(1-P) N=10000  p=0.9 ', run: (rule) => reliability(10_000, 0.9, rule).log10FailureRate },
  { what: 'log10 P    N=1000   p=0.1 ', run: (rule) => log10SuccessProbability(1_000, 0.1, rule) },
  { what: 'log10 P    N=10000  p=0.5 ', run: (rule) => log10SuccessProbability(10_000, 0.5, rule) },
  { what: 'all of A   N=10000  p=0.83', run: (rule) => reliability(10_000, 0.83, rule).failureRate },
  { what: 'metric B   N=1000   p=0.9 ', run: (rule) => clientAcceptProbability(1_000, 0.9, rule) },
  { what: 'metric B   N=10000  p=0.9 ', run: (rule) => clientAcceptProbability(10_000, 0.9, rule) },
]

/** The tails: 1 - P without cancellation, log10 P where P underflows, metric B; value and time. */
export function runTailsBench(print: (line: string) => void): void {
  for (const { what, run } of TAILS) {
    const cells = QUORUM_RULES.map((rule) => {
      const value = run(rule)
      const ms = time(() => run(rule), 3)
      return `${rule} ${value.toPrecision(4)} in ${ms.toFixed(2)} ms`
    })
    print(`tails  ${what}  ${cells.join('   ')}`)
  }
}
