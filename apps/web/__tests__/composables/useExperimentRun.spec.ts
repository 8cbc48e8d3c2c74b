import { effectScope, type EffectScope } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useExperimentRun, type ExperimentRunOptions } from '../../src/composables/useExperimentRun'
import { experimentPoint } from '../support/fixtures'
import { fakeExperimentServer } from '../support/fakeExperimentServer'
import { InProcessWorker, SilentWorker } from '../support/inProcessWorker'

let scope: EffectScope | undefined

function setUp(options: ExperimentRunOptions) {
  scope = effectScope()
  return scope.run(() => useExperimentRun({ pollMs: 1, ...options })) as ReturnType<typeof useExperimentRun>
}

afterEach(() => scope?.stop())

const untilFinished = (run: ReturnType<typeof useExperimentRun>) =>
  vi.waitFor(() => expect(run.status.value).not.toBe('running'), { timeout: 5000 })

describe('useExperimentRun', () => {
  it('plays one p in the worker: a growing curve per N, then one row per N', async () => {
    const workers: InProcessWorker[] = []
    const run = setUp({ createWorker: () => workers[workers.push(new InProcessWorker()) - 1] as InProcessWorker })
    void run.start({ nodes: [4, 7], p: [0.9], rounds: 3000, seed: 1, quorumRules: ['original'] })
    expect(run.status.value).toBe('running')
    expect(run.mode.value).toBe('convergence')
    expect(run.source.value).toBe('browser')
    await untilFinished(run)
    expect(run.status.value).toBe('done')
    expect(workers[0]?.tasks).toEqual([{ kind: 'convergence', nodes: [4, 7], p: 0.9, rounds: 3000, seed: 1, maxPoints: 2000, quorumRules: ['original'] }])
    expect(workers[0]?.terminated).toBe(true)
    expect(run.curves.value.map((curve) => curve.nodes)).toEqual([4, 7])
    expect(run.curves.value[0]?.points.at(-1)?.[0]).toBe(3000)
    expect(run.points.value.map((point) => point.nodes)).toEqual([4, 7])
    expect(run.progress.value).toEqual({ done: 6000, total: 6000 })
  })

  it('plays one p under both rules in the worker: one curve per (N, rule), each with its exact values', async () => {
    const run = setUp({ createWorker: () => new InProcessWorker() })
    void run.start({ nodes: [4], p: [0.9], rounds: 2000, seed: 1, quorumRules: ['original', 'castro-liskov'] })
    await untilFinished(run)
    expect(run.curves.value.map((curve) => [curve.nodes, curve.quorumRule, curve.theory])).toEqual([
      [4, 'original', 0.5214612411125161],
      [4, 'castro-liskov', 0.7907543172404601],
    ])
    expect(run.curves.value[0]?.theoryFailure).toBeCloseTo(1 - 0.5214612411125161, 15)
    expect(run.points.value.map((point) => [point.quorumRule, point.theoreticalSuccessRate])).toEqual([
      ['original', 0.5214612411125161],
      ['castro-liskov', 0.7907543172404601],
    ])
    expect(run.progress.value).toEqual({ done: 4000, total: 4000 })
  })

  it('asks the server for every rule of the run', async () => {
    const server = fakeExperimentServer({ pollsBeforeDone: 1, results: [experimentPoint()] })
    const run = setUp({ fetch: server.fetch, createWorker: () => new SilentWorker() })
    await run.start({ nodes: [4], p: [0.8, 0.9], rounds: 1000, seed: 1, quorumRules: ['original', 'castro-liskov'] })
    expect(server.bodies[0]).toEqual({ nodes: [4], p: [0.8, 0.9], rounds: 1000, seed: 1, quorumRule: ['original', 'castro-liskov'] })
  })

  it('runs a range of p on the server and polls it to the end', async () => {
    const results = [experimentPoint({ p: 0.8 }), experimentPoint({ p: 0.9 })]
    const server = fakeExperimentServer({ pollsBeforeDone: 2, results })
    const run = setUp({ fetch: server.fetch, createWorker: () => new SilentWorker() })
    await run.start({ nodes: [4], p: [0.8, 0.9], rounds: 1000, seed: 1, quorumRules: ['original'] })
    expect(run.status.value).toBe('done')
    expect(run.source.value).toBe('server')
    expect(run.experimentId.value).toBe('exp-1')
    expect(run.points.value).toEqual(results)
    expect(run.progress.value).toEqual({ done: 2000, total: 2000 })
    expect(server.calls.filter((call) => call.startsWith('GET'))).toHaveLength(3)
  })

  it("shows the server's message when it refuses the experiment", async () => {
    const server = fakeExperimentServer({ reject: { status: 400, code: 'VALIDATION', message: 'body.p: 2 is not a probability in [0, 1]' } })
    const run = setUp({ fetch: server.fetch })
    await run.start({ nodes: [4], p: [0.8, 0.9], rounds: 1000, seed: 1, quorumRules: ['original'] })
    expect(run.status.value).toBe('failed')
    expect(run.error.value).toBe('body.p: 2 is not a probability in [0, 1]')
  })

  it('falls back to the browser when the server cannot be reached', async () => {
    const server = fakeExperimentServer({ unreachable: true })
    const run = setUp({ fetch: server.fetch, createWorker: () => new InProcessWorker() })
    await run.start({ nodes: [4], p: [0.8, 0.9, 1], rounds: 500, seed: 1, quorumRules: ['original'] })
    expect(run.fellBack.value).toBe(true)
    expect(run.source.value).toBe('browser')
    await untilFinished(run)
    expect(run.status.value).toBe('done')
    expect(run.points.value.map((point) => point.p)).toEqual([0.8, 0.9, 1])
  })

  it('cancels a browser run by terminating its worker', async () => {
    const worker = new SilentWorker()
    const run = setUp({ createWorker: () => worker })
    void run.start({ nodes: [4], p: [0.9], rounds: 1000, seed: 1, quorumRules: ['original'] })
    await run.cancel()
    expect(run.status.value).toBe('cancelled')
    expect(worker.terminated).toBe(true)
  })

  it('cancels a server run with DELETE and reports what the server answers', async () => {
    const server = fakeExperimentServer({ pollsBeforeDone: 1000 })
    const run = setUp({ fetch: server.fetch })
    const started = run.start({ nodes: [4], p: [0.8, 0.9], rounds: 1000, seed: 1, quorumRules: ['original'] })
    await vi.waitFor(() => expect(run.experimentId.value).toBe('exp-1'))
    await run.cancel()
    await started
    expect(run.status.value).toBe('cancelled')
    expect(server.calls).toContain('DELETE /api/experiments/exp-1')
  })

  it('cancels the server run it abandons when a new run starts (the server runs one per address)', async () => {
    const server = fakeExperimentServer({ pollsBeforeDone: 1000 })
    const run = setUp({ fetch: server.fetch, pollMs: 5 })
    void run.start({ nodes: [4], p: [0.8, 0.9], rounds: 1000, seed: 1, quorumRules: ['original'] })
    await vi.waitFor(() => expect(run.experimentId.value).toBe('exp-1'))
    void run.start({ nodes: [4], p: [0.8, 0.9], rounds: 2000, seed: 2, quorumRules: ['original'] })
    await vi.waitFor(() => expect(server.calls.filter((call) => call === 'POST /api/experiments')).toHaveLength(2))
    const calls = server.calls.filter((call) => !call.startsWith('GET'))
    expect(calls).toEqual(['POST /api/experiments', 'DELETE /api/experiments/exp-1', 'POST /api/experiments'])
  })

  it('stops a browser run when the page goes away', () => {
    const worker = new SilentWorker()
    const run = setUp({ createWorker: () => worker })
    void run.start({ nodes: [4], p: [0.9], rounds: 1000, seed: 1, quorumRules: ['original'] })
    scope?.stop()
    expect(worker.terminated).toBe(true)
  })
})
