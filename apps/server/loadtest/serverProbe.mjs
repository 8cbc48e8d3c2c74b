// @ts-check
/**
 * Loaded INTO the server process by the load generator (`node --import tsx --import <this>
 * src/main.ts`), so the server code stays untouched. It measures the server's own event-loop
 * delay, memory and CPU, and answers the generator's `{ type: 'stats' | 'reset' }` IPC requests
 * (the answer's shape is `ProbeStats` in run.ts). Without an IPC channel (a normal start) and in
 * worker threads (which inherit `--import`) it does nothing. Plain JavaScript on purpose: worker
 * threads load it before any TypeScript loader is registered.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import process from 'node:process'
import { setInterval } from 'node:timers'
import { isMainThread } from 'node:worker_threads'

if (isMainThread && typeof process.send === 'function') {
  const MB = 1024 * 1024
  // Node 20's histogram records the whole timer interval: the delay is what exceeds it.
  const RESOLUTION_MS = 10
  const started = () => {
    const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    h.enable()
    return h
  }
  let histogram = started()
  // The whole scenario's (join, warm-up and play), reset only by `{ type: 'reset', whole: true }`.
  let whole = started()
  let rssPeak = 0
  let heapPeak = 0
  let windowStart = performance.now()
  let cpuStart = process.cpuUsage()
  const sample = () => {
    const memory = process.memoryUsage()
    rssPeak = Math.max(rssPeak, memory.rss)
    heapPeak = Math.max(heapPeak, memory.heapUsed)
  }
  const sampler = setInterval(sample, 100)
  sampler.unref()

  /** @param {number} ns */
  const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100)

  /** @param {import('node:perf_hooks').IntervalHistogram} h */
  const delays = (h) => ({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) })

  const stats = () => {
    sample()
    const memory = process.memoryUsage()
    const windowMs = performance.now() - windowStart
    const cpu = process.cpuUsage(cpuStart)
    return {
      type: 'stats',
      eventLoopDelay: delays(histogram),
      wholeEventLoopDelay: delays(whole),
      rssMb: { peak: Math.round(rssPeak / MB), now: Math.round(memory.rss / MB) },
      heapUsedMb: { peak: Math.round(heapPeak / MB), now: Math.round(memory.heapUsed / MB) },
      // user + system time of the whole process (main thread and worker threads), in % of one core
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / windowMs) * 1000) / 10,
      windowMs: Math.round(windowMs),
    }
  }

  process.on('message', (/** @type {unknown} */ message) => {
    if (typeof message !== 'object' || message === null || !('type' in message)) return
    if (message.type === 'reset') {
      histogram.disable()
      histogram = started()
      if ('whole' in message && message.whole === true) {
        whole.disable()
        whole = started()
      }
      rssPeak = 0
      heapPeak = 0
      sample()
      windowStart = performance.now()
      cpuStart = process.cpuUsage()
      process.send?.({ type: 'reset-done' })
    } else if (message.type === 'stats') {
      process.send?.(stats())
    }
  })
  // The IPC channel must not keep a stopping server alive.
  process.channel?.unref()
}
