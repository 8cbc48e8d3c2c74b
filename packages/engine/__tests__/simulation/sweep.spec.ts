import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config'
import { simulate } from '../../src/simulation/simulate'
import { pointSeed, sweep, sweepPoints } from '../../src/simulation/sweep'

describe('sweepPoints', () => {
  it('lists the grid nodes-major', () => {
    expect(sweepPoints([4, 7], [0.8, 0.9])).toEqual([
      { nodes: 4, p: 0.8 },
      { nodes: 4, p: 0.9 },
      { nodes: 7, p: 0.8 },
      { nodes: 7, p: 0.9 },
    ])
    expect(() => sweepPoints([], [0.9])).toThrow(ConfigError)
    expect(() => sweepPoints([4], [])).toThrow(ConfigError)
  })
})

describe('pointSeed', () => {
  it('depends on seed, nodes and p, fractional parts included', () => {
    const seeds = new Set([
      pointSeed(1, 4, 0.9),
      pointSeed(2, 4, 0.9),
      pointSeed(1, 5, 0.9),
      pointSeed(1, 4, 0.7),
      pointSeed(1.5, 4, 0.9),
      pointSeed(1, 4, 0.9000000000000001),
    ])
    expect(seeds.size).toBe(6)
    expect(pointSeed(1, 4, 0.9)).toBe(pointSeed(1, 4, 0.9))
    expect(pointSeed(1, 4, 0)).toBe(pointSeed(1, 4, -0))
    expect(Number.isInteger(pointSeed(3, 10, 0.5))).toBe(true)
  })
})

describe('sweep', () => {
  it('gives each point the result of simulating it alone, whatever else is in the grid', () => {
    const points = sweep({ nodes: [4, 10], ps: [0.7, 0.9], rounds: 70_000, seed: 9 })
    expect(points.map((point) => [point.nodes, point.p])).toEqual([
      [4, 0.7],
      [4, 0.9],
      [10, 0.7],
      [10, 0.9],
    ])
    const alone = simulate({ nodes: 10, p: 0.9, rounds: 70_000, seed: pointSeed(9, 10, 0.9) })
    expect(points[3]).toEqual(alone)
    expect(sweep({ nodes: [10], ps: [0.9, 0.95], rounds: 70_000, seed: 9 })[0]).toEqual(alone)
  })

  it('reports progress over the whole sweep, monotone and ending at the total', () => {
    const seen: [number, number][] = []
    sweep({ nodes: [4, 5], ps: [0.9], rounds: 100_000, seed: 1, onProgress: (done, total) => seen.push([done, total]) })
    expect(seen.map(([, total]) => total).every((total) => total === 200_000)).toBe(true)
    expect(seen.every(([done], i) => i === 0 || done > (seen[i - 1]?.[0] ?? 0))).toBe(true)
    expect(seen.at(-1)).toEqual([200_000, 200_000])
  })

  it('validates every point before running any', () => {
    let progress = 0
    expect(() => sweep({ nodes: [4, 0], ps: [0.9], rounds: 10, seed: 1, onProgress: () => progress++ })).toThrow(ConfigError)
    expect(() => sweep({ nodes: [4], ps: [0.9, 2], rounds: 10, seed: 1 })).toThrow(ConfigError)
    expect(progress).toBe(0)
  })

  it('stops when aborted', () => {
    const controller = new AbortController()
    controller.abort()
    expect(() => sweep({ nodes: [4], ps: [0.9], rounds: 10, seed: 1, signal: controller.signal })).toThrow(
      expect.objectContaining({ name: 'AbortError' }),
    )
  })
})
