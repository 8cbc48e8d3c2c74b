import { describe, expect, it } from 'vitest'
import { successProbability } from '@pbft/engine'
import type { ExperimentPoint } from '@pbft/protocol'
import {
  CumulativeRate,
  MAX_CURVE_POINTS,
  playConvergence,
  sampleStride,
  type ConvergenceConfig,
  type CurvePoint,
} from '../../src/experiment/convergence'

function play(config: ConvergenceConfig) {
  const curves = new Map<number, CurvePoint[]>()
  const theories = new Map<number, number>()
  const points: ExperimentPoint[] = []
  const progress: [number, number][] = []
  let clock = 0
  playConvergence(
    config,
    {
      onCurve: ({ nodes, theory }, added) => {
        curves.set(nodes, [...(curves.get(nodes) ?? []), ...added])
        theories.set(nodes, theory)
      },
      onProgress: (done, total) => progress.push([done, total]),
      onPoint: (point) => points.push(point),
    },
    100,
    // A clock that moves 1 ms per reading: reports come every 100 readings.
    () => clock++,
  )
  return { curves, theories, points, progress }
}

describe('sampleStride', () => {
  it('keeps at most maxPoints points', () => {
    expect(sampleStride(10, 2000)).toBe(1)
    expect(sampleStride(2000, 2000)).toBe(1)
    expect(sampleStride(2001, 2000)).toBe(2)
    expect(sampleStride(1_000_000)).toBe(500)
    for (const rounds of [1, 7, 1999, 2001, 123_457, 10_000_000]) {
      const stride = sampleStride(rounds)
      expect(Math.ceil(rounds / stride)).toBeLessThanOrEqual(MAX_CURVE_POINTS)
    }
  })
})

describe('CumulativeRate', () => {
  it('is successes so far over rounds so far, at every stride and at the last round', () => {
    const curve = new CumulativeRate(7, 3)
    for (const success of [true, false, true, true, false, false, true]) curve.record(success)
    expect(curve.takePoints()).toEqual([
      [3, 2 / 3],
      [6, 3 / 6],
      [7, 4 / 7],
    ])
    expect(curve.takePoints()).toEqual([])
  })

  it('with stride 1 is the running mean of every round', () => {
    const outcomes = [false, true, true, false]
    const curve = new CumulativeRate(outcomes.length, 1)
    outcomes.forEach((o) => curve.record(o))
    expect(curve.takePoints().map(([, rate]) => rate)).toEqual([0, 1 / 2, 2 / 3, 2 / 4])
  })
})

describe('playConvergence', () => {
  it('reports one curve and one row per N, the curve ending at the row', () => {
    const { curves, theories, points, progress } = play({ nodes: [4, 7], p: 0.9, rounds: 5000, seed: 3, quorumRules: ['original'] })
    expect(points.map((point) => point.nodes)).toEqual([4, 7])
    for (const point of points) {
      const curve = curves.get(point.nodes) as CurvePoint[]
      expect(curve.length).toBeLessThanOrEqual(MAX_CURVE_POINTS)
      expect(curve.at(-1)).toEqual([5000, point.successes / 5000])
      expect(curve.map(([round]) => round)).toEqual([...curve.map(([round]) => round)].sort((a, b) => a - b))
      expect(point.theoreticalSuccessRate).toBe(successProbability(point.nodes, 0.9))
      expect(theories.get(point.nodes)).toBe(point.theoreticalSuccessRate)
      expect(point.failures['pre-prepare'] + point.failures.prepare + point.failures.commit).toBe(5000 - point.successes)
      expect(point.ci95[0]).toBeLessThanOrEqual(point.successRate)
      expect(point.ci95[1]).toBeGreaterThanOrEqual(point.successRate)
    }
    expect(progress.at(-1)).toEqual([10_000, 10_000])
  })

  it('lands near the exact value (within 4.5 standard errors)', () => {
    const { points } = play({ nodes: [10], p: 0.95, rounds: 20_000, seed: 1, quorumRules: ['original'] })
    const point = points[0] as ExperimentPoint
    const sigma = Math.sqrt((point.theoreticalSuccessRate * (1 - point.theoreticalSuccessRate)) / point.rounds)
    expect(Math.abs(point.successRate - point.theoreticalSuccessRate)).toBeLessThan(4.5 * sigma)
  })

  it('always succeeds at p = 1 and never at p = 0', () => {
    expect(play({ nodes: [4], p: 1, rounds: 50, seed: 1, quorumRules: ['original'] }).points[0]?.successes).toBe(50)
    expect(play({ nodes: [4], p: 0, rounds: 50, seed: 1, quorumRules: ['original'] }).points[0]?.successes).toBe(0)
  })

  it('is reproducible, and every prefix of a run is the shorter run', () => {
    // Every round kept (maxPoints above rounds), so the curves can be compared round by round.
    const run = (rounds: number) => play({ nodes: [7], p: 0.8, rounds, seed: 9, quorumRules: ['original'], maxPoints: 5000 }).curves.get(7) as CurvePoint[]
    const long = run(3000)
    const again = run(3000)
    const short = run(1000)
    expect(again).toEqual(long)
    expect(short).toEqual(long.slice(0, 1000))
  })

  it('downsamples long runs', () => {
    const curve = play({ nodes: [4], p: 0.9, rounds: 9000, seed: 1, quorumRules: ['original'], maxPoints: 100 }).curves.get(4) as CurvePoint[]
    expect(curve).toHaveLength(100)
    expect(curve[0]?.[0]).toBe(90)
  })
})
