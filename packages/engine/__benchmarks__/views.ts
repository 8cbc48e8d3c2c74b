import { LiveRound } from '../src/live/liveRound'
import { simulate, type SimulateOptions } from '../src/simulation/simulate'

/** How long each measurement runs, after a warm-up that also calibrates the round count. */
const MEASURE_SECONDS = 0.5
const WARM_UP_SECONDS = 0.2

function timed(options: Omit<SimulateOptions, 'rounds' | 'seed'>, rounds: number, seed: number): [number, number] {
  const start = performance.now()
  const result = simulate({ ...options, rounds, seed })
  return [result.meanViews, (performance.now() - start) / 1000]
}

/** Rounds per second and the mean views used, warm (JIT-compiled), over about MEASURE_SECONDS. */
function measure(options: Omit<SimulateOptions, 'rounds' | 'seed'>): { roundsPerSecond: number; meanViews: number } {
  let rounds = 8
  let warmed = 0
  while (warmed < WARM_UP_SECONDS) {
    const [, seconds] = timed(options, rounds, 1)
    warmed += seconds
    if (seconds < WARM_UP_SECONDS / 4) rounds *= 2
  }
  const [, probe] = timed(options, rounds, 2)
  const target = Math.max(1, Math.round((rounds * MEASURE_SECONDS) / Math.max(probe, 1e-6)))
  const [meanViews, seconds] = timed(options, target, 3)
  return { roundsPerSecond: target / seconds, meanViews }
}

const format = (value: number): string => Math.round(value).toLocaleString('en-US')

/**
 * The message-level kernel with views (the client's REPLYs, then view changes while the client
 * has not accepted), p = 0.9, original rule: all honest (a view change only when the client got
 * too few replies) and with primary 0 silent (every round needs one), K = 1 and K = 3.
 */
export function runViewsBench(print: (line: string) => void): void {
  const p = 0.9
  for (const silentPrimary of [false, true]) {
    for (const nodes of [4, 10, 100]) {
      for (const views of [1, 3]) {
        const options: Omit<SimulateOptions, 'rounds' | 'seed'> = { nodes, p, views, path: 'message' }
        if (silentPrimary) options.faults = { 0: 'silent' }
        const { roundsPerSecond, meanViews } = measure(options)
        const who = silentPrimary ? 'primary 0 silent' : 'all honest      '
        print(`views    N=${String(nodes).padEnd(4)} p=${p}  ${who}  K=${views}  ${format(roundsPerSecond)} rounds/s   meanViews ${meanViews.toFixed(3)}`)
      }
    }
  }
}

const LIVE_NODES = 100
const LIVE_ROUNDS = 5

/** Plays live rounds with views as a session's bots do, primary 0 silent: every round changes view once. */
function playLive(rounds: number, firstSeed: number): { ms: number; messages: number; views: number } {
  const start = performance.now()
  let messages = 0
  let views = 0
  for (let seed = firstSeed; seed < firstSeed + rounds; seed++) {
    const live = new LiveRound({ config: { nodes: LIVE_NODES, p: 1, faults: { 0: 'silent' }, quorumRule: 'castro-liskov' }, seed, maxViews: 2 })
    while (live.phase !== 'done') {
      // Joining on f + 1 VIEW-CHANGEs makes more replicas pending within a phase.
      for (let pending = live.pending(); pending.length > 0; pending = live.pending()) {
        for (const id of pending) messages += live.act(id).length
      }
      live.closePhase()
    }
    views += live.view + 1
  }
  return { ms: performance.now() - start, messages, views }
}

/** Time of a live N = 100 round with a view change (signatures checked, memoised), on the event loop. */
export function runLiveViewChangeBench(print: (line: string) => void): void {
  playLive(2, 1_000)
  const { ms, messages, views } = playLive(LIVE_ROUNDS, 1)
  const perRound = (ms / LIVE_ROUNDS).toFixed(1)
  const perMessage = ((ms * 1000) / messages).toFixed(2)
  print(`live     N=${LIVE_NODES}  p=1  primary 0 silent, K=2 (${(views / LIVE_ROUNDS).toFixed(1)} views/round)  ${perRound} ms/round   ${perMessage} µs/message`)
}
