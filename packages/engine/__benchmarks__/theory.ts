import { successProbability } from '../src/theory/successProbability'

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

/** Times `successProbability` (median of a few runs) and prints one line per (N, p). */
export function runTheoryBench(print: (line: string) => void): void {
  // Warm up the JIT so the first case is not charged for compilation.
  for (let i = 0; i < 20; i++) successProbability(1_000, 0.83)
  for (const { nodes, repetitions } of CASES) {
    for (const p of PROBABILITIES) {
      const times: number[] = []
      for (let i = 0; i < repetitions; i++) {
        const start = performance.now()
        successProbability(nodes, p)
        times.push(performance.now() - start)
      }
      print(`theory  N=${nodes}  p=${p}  ${median(times).toFixed(2)} ms`)
    }
  }
}
