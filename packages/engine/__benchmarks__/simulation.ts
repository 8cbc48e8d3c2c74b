import { QUORUM_RULES, type QuorumRule } from '../src/quorum'
import { simulate, type SimulationPath, type SimulationResult } from '../src/simulation/simulate'

/** How long each measurement runs, after a warm-up that also calibrates the round count. */
const MEASURE_SECONDS = 0.7
const WARM_UP_SECONDS = 0.25

interface Measurement {
  roundsPerSecond: number
  /** Messages (= PRNG link draws on the message-level path) per second. */
  messagesPerSecond: number
}

function timed(path: SimulationPath, nodes: number, p: number, rounds: number, seed: number, quorumRule: QuorumRule): [SimulationResult, number] {
  const start = performance.now()
  const result = simulate({ nodes, p, rounds, seed, path, quorumRule })
  return [result, (performance.now() - start) / 1000]
}

/** Runs until warm (JIT-compiled), then once for about MEASURE_SECONDS. */
function measure(path: SimulationPath, nodes: number, p: number, quorumRule: QuorumRule): Measurement {
  let rounds = 64
  let warmed = 0
  while (warmed < WARM_UP_SECONDS) {
    const [, seconds] = timed(path, nodes, p, rounds, 1, quorumRule)
    warmed += seconds
    if (seconds < WARM_UP_SECONDS / 4) rounds *= 2
  }
  const [, probe] = timed(path, nodes, p, rounds, 2, quorumRule)
  const target = Math.max(1, Math.min(1e9, Math.round((rounds * MEASURE_SECONDS) / Math.max(probe, 1e-6))))
  const [result, seconds] = timed(path, nodes, p, target, 3, quorumRule)
  return { roundsPerSecond: target / seconds, messagesPerSecond: (result.meanMessages.sent * target) / seconds }
}

const format = (value: number): string => Math.round(value).toLocaleString('en-US')

/**
 * Rounds per second of both paths at p = 0.9 under both quorum rules, and the link draws per
 * second of the message-level kernel.
 */
export function runSimulationBench(print: (line: string) => void): void {
  const p = 0.9
  for (const path of ['fast', 'message'] as const) {
    for (const nodes of [10, 100]) {
      for (const rule of QUORUM_RULES) {
        const { roundsPerSecond, messagesPerSecond } = measure(path, nodes, p, rule)
        const draws = path === 'message' ? `   ${format(messagesPerSecond)} link draws/s` : ''
        print(`${path.padEnd(8)} N=${String(nodes).padEnd(4)} p=${p}  ${rule.padEnd(13)} ${format(roundsPerSecond)} rounds/s${draws}`)
      }
    }
  }
}
