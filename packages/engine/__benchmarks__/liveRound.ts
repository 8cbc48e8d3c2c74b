import { LiveRound } from '../src/live/liveRound'

const NODES = 100
const ROUNDS = 10
const WARM_UP_ROUNDS = 3

/**
 * Plays whole live rounds the way a session's bots do (every pending replica acts, then the
 * phase closes), p = 1 so that every message is delivered and verified. Returns the time taken
 * and the messages sent.
 */
function play(authentication: boolean, rounds: number, firstSeed: number): { ms: number; messages: number } {
  const start = performance.now()
  let messages = 0
  for (let seed = firstSeed; seed < firstSeed + rounds; seed++) {
    const live = new LiveRound({ config: { nodes: NODES, p: 1, authentication }, seed })
    while (live.phase !== 'done') {
      for (const id of live.pending()) messages += live.act(id).length
      live.closePhase()
    }
  }
  return { ms: performance.now() - start, messages }
}

/**
 * Time per live round at N = 100 and per message, authentication on and off (off still signs:
 * it only skips verifying). This is CPU a live session spends on the server's event loop.
 */
export function runLiveRoundBench(print: (line: string) => void): void {
  for (const authentication of [true, false]) {
    play(authentication, WARM_UP_ROUNDS, 1_000)
    const { ms, messages } = play(authentication, ROUNDS, 1)
    const perRound = (ms / ROUNDS).toFixed(1)
    const perMessage = ((ms * 1000) / messages).toFixed(2)
    print(`live     N=${NODES}  p=1  auth ${authentication ? 'on ' : 'off'}  ${perRound} ms/round   ${perMessage} µs/message`)
  }
}
