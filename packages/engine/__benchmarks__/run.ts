/**
 * `pnpm bench`: prints throughput figures of the Monte-Carlo paths, the time of the exact
 * formula and the time of a live round. Figures, not assertions: speed targets are read from
 * this output, never timed in tests.
 */
import { availableParallelism, cpus } from 'node:os'
import { runLiveRoundBench } from './liveRound'
import { runSimulationBench } from './simulation'
import { runTailsBench, runTheoryBench } from './theory'
import { runLiveViewChangeBench, runViewsBench } from './views'

const print = (line: string): void => console.log(line)

print(`pbft bench · node ${process.version} · ${cpus()[0]?.model ?? 'unknown cpu'} · ${availableParallelism()} cores · one core used`)
print('')
print('Monte-Carlo, p = 0.9, all honest')
runSimulationBench(print)
print('')
print('Monte-Carlo with views (message path, the client and view changes; K = views allowed)')
runViewsBench(print)
print('')
print('Exact theory successProbability(N, p), both quorum rules')
runTheoryBench(print)
print('')
print('Exact theory in the tails (value, median time)')
runTailsBench(print)
print('')
print('Live round N = 100 (LiveRound, every replica a bot, p = 1)')
runLiveRoundBench(print)
runLiveViewChangeBench(print)
