import { describe, expect, it } from 'vitest'
import { successProbability, sweep } from '@pbft/engine'
import type { ExperimentPoint } from '@pbft/protocol'
import { playSweep } from '../../src/experiment/browserSweep'

describe('playSweep', () => {
  it('gives the numbers of the engine sweep (the server and pbft sweep), point by point', () => {
    const config = { nodes: [4, 7], ps: [0.8, 0.9, 1], rounds: 2000, seed: 5 }
    const points: ExperimentPoint[] = []
    const progress: number[] = []
    playSweep(config, (point) => points.push(point), (done) => progress.push(done))
    const reference = sweep(config)
    expect(points).toHaveLength(6)
    points.forEach((point, i) => {
      const expected = reference[i]
      expect(point).toMatchObject({
        nodes: expected?.nodes,
        p: expected?.p,
        successes: expected?.successes,
        seed: 5,
        pointSeed: expected?.seed,
        theoreticalSuccessRate: successProbability(point.nodes, point.p),
      })
    })
    expect(progress.at(-1)).toBe(12_000)
  })
})
