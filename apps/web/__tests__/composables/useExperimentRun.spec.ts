import { effectScope, type EffectScope } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useExperimentRun, type ExperimentRunOptions } from '../../src/composables/useExperimentRun'
import type { ExperimentPushes, ExperimentWatcher } from '../../src/experiment/experimentsApi'
import { experimentPoint } from '../support/fixtures'
import { fakeExperimentServer } from '../support/fakeExperimentServer'
import { InProcessWorker, SilentWorker } from '../support/inProcessWorker'

let scope: EffectScope | undefined

/** No push ever arrives (no socket): the record is polled, as after a lost connection. */
const offline: ExperimentWatcher = () => ({ close: () => undefined })

/** A push channel the test drives: it says when it is live or down and what the server pushes. */
function pushChannel() {
  const channel = { pushes: null as ExperimentPushes | null, watched: [] as string[], closed: 0 }
  const watch: ExperimentWatcher = (id, pushes) => {
    channel.watched.push(id)
    channel.pushes = pushes
    return { close: () => void channel.closed++ }
  }
  const pushes = (): ExperimentPushes => {
    if (!channel.pushes) throw new Error('nothing is watched yet')
    return channel.pushes
  }
  return { channel, watch, pushes }
}

function setUp(options: ExperimentRunOptions) {
  scope = effectScope()
  return scope.run(() => useExperimentRun({ pollMs: 1, watch: offline, ...options })) as ReturnType<typeof useExperimentRun>
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

  it('follows a server run by its pushes: one read when the push is live, no polling while it stays live', async () => {
    const results = [experimentPoint({ p: 0.8 }), experimentPoint({ p: 0.9 })]
    const server = fakeExperimentServer({ pollsBeforeDone: 1000, results })
    const { channel, watch, pushes } = pushChannel()
    const run = setUp({ fetch: server.fetch, watch, pollMs: 5 })
    const started = run.start({ nodes: [4], p: [0.8, 0.9], rounds: 1000, seed: 1, quorumRules: ['original'] })
    await vi.waitFor(() => expect(channel.watched).toEqual(['exp-1']))
    const reads = () => server.calls.filter((call) => call.startsWith('GET')).length
    // Until the push is live the record is polled; once it is, read once more, and no more.
    await new Promise((resolve) => setTimeout(resolve, 20))
    const beforeLive = reads()
    pushes().live()
    await vi.waitFor(() => expect(reads()).toBe(beforeLive + 1))
    pushes().progress(1500, 2000)
    expect(run.progress.value).toEqual({ done: 1500, total: 2000 })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(reads()).toBe(beforeLive + 1)
    const final = { id: 'exp-1', status: 'done' as const, config: { nodes: [4], p: [0.8, 0.9], rounds: 1000, seed: 1 }, progress: { done: 2000, total: 2000 }, createdAt: '2025-01-01T00:00:00.000Z', results }
    pushes().finished(final)
    await started
    expect(run.status.value).toBe('done')
    expect(run.points.value).toEqual(results)
    expect(run.progress.value).toEqual({ done: 2000, total: 2000 })
    expect(reads()).toBe(beforeLive + 1)
    expect(channel.closed).toBe(1)
  })

  it('polls only while the push is down, and reads once when it is back', async () => {
    const server = fakeExperimentServer({ pollsBeforeDone: 1000 })
    const { channel, watch, pushes } = pushChannel()
    const run = setUp({ fetch: server.fetch, watch, pollMs: 2 })
    void run.start({ nodes: [4], p: [0.8, 0.9], rounds: 1000, seed: 1, quorumRules: ['original'] })
    await vi.waitFor(() => expect(channel.watched).toEqual(['exp-1']))
    const reads = () => server.calls.filter((call) => call.startsWith('GET')).length
    // Never connected yet: polled.
    await vi.waitFor(() => expect(reads()).toBeGreaterThanOrEqual(3))
    pushes().live()
    await new Promise((resolve) => setTimeout(resolve, 20))
    const whileLive = reads()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(reads()).toBe(whileLive)
    // A reconnection: polled while down, then one read once live again.
    pushes().down()
    await vi.waitFor(() => expect(reads()).toBeGreaterThanOrEqual(whileLive + 3))
    pushes().live()
    await new Promise((resolve) => setTimeout(resolve, 20))
    const back = reads()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(reads()).toBe(back)
    expect(run.status.value).toBe('running')
  })

  it('stops following a server run (and closes its push) when a new run starts or the page goes away', async () => {
    const server = fakeExperimentServer({ pollsBeforeDone: 1000 })
    const { channel, watch, pushes } = pushChannel()
    const run = setUp({ fetch: server.fetch, watch, createWorker: () => new SilentWorker() })
    void run.start({ nodes: [4], p: [0.8, 0.9], rounds: 1000, seed: 1, quorumRules: ['original'] })
    await vi.waitFor(() => expect(channel.watched).toHaveLength(1))
    pushes().live()
    void run.start({ nodes: [4], p: [0.9], rounds: 1000, seed: 1, quorumRules: ['original'] })
    await vi.waitFor(() => expect(channel.closed).toBe(1))
    void run.start({ nodes: [4], p: [0.8, 0.9], rounds: 1000, seed: 2, quorumRules: ['original'] })
    await vi.waitFor(() => expect(channel.watched).toHaveLength(2))
    pushes().live()
    scope?.stop()
    await vi.waitFor(() => expect(channel.closed).toBe(2))
  })

  it('stops a browser run when the page goes away', () => {
    const worker = new SilentWorker()
    const run = setUp({ createWorker: () => worker })
    void run.start({ nodes: [4], p: [0.9], rounds: 1000, seed: 1, quorumRules: ['original'] })
    scope?.stop()
    expect(worker.terminated).toBe(true)
  })
})
