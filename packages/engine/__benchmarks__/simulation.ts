import { simulate, type SimulationPath, type SimulationResult } from '../src/simulation/simulate'

/** How long each measurement runs, after a warm-up that also calibrates the round count. */
const MEASURE_SECONDS = 0.7
const WARM_UP_SECONDS = 0.25

interface Measurement {
  roundsPerSecond: number
  /** Messages (= PRNG link draws on the message-level path) per second. */
  messagesPerSecond: number
}

function timed(path: SimulationPath, nodes: number, p: number, rounds: number, seed: number): [SimulationResult, number] {
  const start = performance.now()
  const result = simulate({ nodes, p, rounds, seed, path })
  return [result, (performance.now() - start) / 1000]
}

/** Runs until warm (JIT-compiled), then once for about MEASURE_SECONDS. */
function measure(path: SimulationPath, nodes: number, p: number): Measurement {
  let rounds = 64
  let warmed = 0
  while (warmed < WARM_UP_SECONDS) {
    const [, seconds] = timed(path, nodes, p, rounds, 1)
    warmed += seconds
    if (seconds < WARM_UP_SECONDS / 4) rounds *= 2
  }
  const [, probe] = timed(path, nodes, p, rounds, 2)
  const target = Math.max(1, Math.min(1e9, Math.round((rounds * MEASURE_SECONDS) / Math.max(probe, 1e-6))))
  const [result, seconds] = timed(path, nodes, p, target, 3)
  return { roundsPerSecond: target / seconds, messagesPerSecond: (result.meanMessages.sent * target) / seconds }
}

const format = (value: number): string => Math.round(value).toLocaleString('en-US')

/** Rounds per second of both paths at p = 0.9, and the link draws per second of the message-level kernel. */
export function runSimulationBench(print: (line: string) => void): void {
  const p = 0.9
  for (const path of ['fast', 'message'] as const) {
    for (const nodes of [10, 100]) {
      const { roundsPerSecond, messagesPerSecond } = measure(path, nodes, p)
      const draws = path === 'message' ? `   ${format(messagesPerSecond)} link draws/s` : ''
      print(`${path.padEnd(8)} N=${String(nodes).padEnd(4)} p=${p}  ${format(roundsPerSecond)} rounds/s${draws}`)
    }
  }
}
