import { describe, expect, it } from 'vitest'
import { successProbability, sweep } from '@pbft/engine'
import type { ExperimentPoint } from '@pbft/protocol'
import { playSweep } from '../../src/experiment/browserSweep'

describe('playSweep', () => {
  it('gives the numbers of the engine sweep (the server and pbft sweep), point by point', () => {
    const config = { nodes: [4, 7], ps: [0.8, 0.9, 1], rounds: 2000, seed: 5, quorumRules: ['original' as const] }
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

  it('runs each rule’s sweep in turn with the same seed, as the server does', () => {
    const points: ExperimentPoint[] = []
    playSweep({ nodes: [4], ps: [0.9], rounds: 2000, seed: 5, quorumRules: ['original', 'castro-liskov'] }, (point) => points.push(point), () => undefined)
    const paper = sweep({ nodes: [4], ps: [0.9], rounds: 2000, seed: 5, quorumRule: 'castro-liskov' })[0]
    expect(points.map((point) => point.quorumRule)).toEqual(['original', 'castro-liskov'])
    expect(points[1]).toMatchObject({ successes: paper?.successes, pointSeed: paper?.seed, theoreticalSuccessRate: 0.7907543172404601, safetyViolations: 0 })
  })
})
