import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config'
import { defaultWorkerCount, runSweep, simulateParallel } from '../../src/node'
import { simulate } from '../../src/simulation/simulate'
import { sweep } from '../../src/simulation/sweep'
import { liveWorkerCount } from '../../src/node/workerPool'

/** `parallelThreshold: 0` forces worker threads even for the small runs a test can afford. */
const THREADS = { parallelThreshold: 0 }


describe('simulateParallel', () => {
  it('is bit-identical to simulate whatever the number of workers', async () => {
    const options = { nodes: 10, p: 0.9, rounds: 300_000, seed: 21 }
    const inThread = simulate(options)
    for (const workers of [1, 2, 3]) {
      expect(await simulateParallel({ ...options, ...THREADS, workers }), `${workers} workers`).toEqual(inThread)
    }
  })

  it('spreads the message-level path too, faults and all', async () => {
    const options = { nodes: 16, p: 0.95, rounds: 40_000, seed: 5, faults: { 3: 'wrong-value' as const }, authentication: false }
    expect(await simulateParallel({ ...options, ...THREADS, workers: 2 })).toEqual(simulate(options))
  })

  it('runs small work in this thread, with the same result', async () => {
    const options = { nodes: 4, p: 0.9, rounds: 1000, seed: 1 }
    expect(await simulateParallel(options)).toEqual(simulate(options))
  })

  it('reports monotone progress ending at the total', async () => {
    const seen: [number, number][] = []
    await simulateParallel({ nodes: 7, p: 0.9, rounds: 500_000, seed: 2, workers: 3, ...THREADS, onProgress: (d, t) => seen.push([d, t]) })
    expect(seen).toHaveLength(Math.ceil(500_000 / 65_536))
    expect(seen.every(([done, total], i) => total === 500_000 && (i === 0 || done > (seen[i - 1]?.[0] ?? 0)))).toBe(true)
    expect(seen.at(-1)).toEqual([500_000, 500_000])
  })

  it('cancels: rejects with an AbortError and terminates its workers', async () => {
    const controller = new AbortController()
    const run = simulateParallel({
      nodes: 10,
      p: 0.9,
      rounds: 100_000_000,
      seed: 3,
      workers: 2,
      ...THREADS,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    })
    await expect(run).rejects.toMatchObject({ name: 'AbortError' })
    expect(liveWorkerCount()).toBeGreaterThan(0) // terminating, not yet gone: the poll below is meaningful
    await expect.poll(liveWorkerCount, { timeout: 2000 }).toBe(0)

    const aborted = AbortSignal.abort()
    await expect(simulateParallel({ nodes: 4, rounds: 10, seed: 1, signal: aborted, ...THREADS })).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('rejects bad options with a ConfigError', async () => {
    await expect(simulateParallel({ nodes: 4, rounds: 0, seed: 1 })).rejects.toThrow(ConfigError)
    await expect(simulateParallel({ nodes: 4, rounds: 10, seed: 1, workers: 0 })).rejects.toThrow(ConfigError)
    expect(defaultWorkerCount()).toBeGreaterThanOrEqual(1)
    expect(defaultWorkerCount()).toBeLessThanOrEqual(4)
  })
})

describe('runSweep', () => {
  it('is bit-identical to the in-thread sweep whatever the number of workers, with monotone progress', async () => {
    const options = { nodes: [4, 7, 10], ps: [0.8, 0.9], rounds: 80_000, seed: 13 }
    const inThread = sweep(options)
    for (const workers of [1, 3]) {
      const seen: number[] = []
      const points = await runSweep({ ...options, ...THREADS, workers, onProgress: (done) => seen.push(done) })
      expect(points, `${workers} workers`).toEqual(inThread)
      expect(seen.every((done, i) => i === 0 || done > (seen[i - 1] ?? 0))).toBe(true)
      expect(seen.at(-1)).toBe(6 * 80_000)
    }
    await expect.poll(liveWorkerCount, { timeout: 2000 }).toBe(0)
  })

  it('plays a small sweep in this thread in slices, giving the event loop back between points', async () => {
    // 2,500 one-round points: ~50 ms of set-up in all, which used to run in one go.
    const options = { nodes: Array.from({ length: 50 }, (_, i) => 13 + 2 * i), ps: Array.from({ length: 50 }, (_, i) => (i + 1) / 50), rounds: 1, seed: 4 }
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    let pauses = 0
    const pause = () => {
      pauses++
      return new Promise<void>((resolve) => setImmediate(resolve))
    }
    const points = await runSweep({ ...options, parallelThreshold: Number.POSITIVE_INFINITY, pause })
    clearInterval(timer)
    expect(points).toEqual(sweep(options))
    // It paused (every ~8 ms of work), and timers ran meanwhile: it used to run in one go.
    expect(pauses).toBeGreaterThan(0)
    expect(ticks).toBeGreaterThan(0)
  })

  it('stops an in-thread sweep between slices when aborted', async () => {
    const controller = new AbortController()
    const run = runSweep({
      nodes: Array.from({ length: 50 }, (_, i) => 13 + i),
      ps: Array.from({ length: 100 }, (_, i) => (i + 1) / 100),
      rounds: 1,
      seed: 5,
      parallelThreshold: Number.POSITIVE_INFINITY,
      signal: controller.signal,
      pause: () => {
        controller.abort(new Error('stop'))
        return Promise.resolve()
      },
    })
    await expect(run).rejects.toThrow('stop')
  })
})
