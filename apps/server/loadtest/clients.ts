/**
 * The load test's clients, as the web app behaves: phones that claim a seat and act when their
 * view asks, watchers (on a worker thread, watchers.mjs) and a host starting rounds back to back.
 */
import { Worker } from 'node:worker_threads'
import type { ClientToServerEvents, ReplicaView, RoundOutcome, ServerToClientEvents, SocketAuth } from '@pbft/protocol'
import { mergeReplicaView } from '@pbft/protocol'
import { io as connectClient, type Socket } from 'socket.io-client'
import { sleep, WAIT_LIMIT_MS, within } from './serverChild'

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

const WATCHERS = new URL('./watchers.mjs', import.meta.url)
/** Sessions of the load test close a phase after this (phones compute the phase's opening from it). */
export const PHASE_TIMEOUT_MS = 30_000

/** What every client of a scenario records. */
export class Metrics {
  actLatency: number[] = []
  phaseToView: number[] = []
  socketEvents = 0
  errors: string[] = []
  outcomes: RoundOutcome[] = []
  /** Acts sent whose ack has not come yet (a round's outcome can overtake its last acks). */
  actsInFlight = 0
  /**
   * False during the warm-up: each session's first round (the server's code is not optimised
   * yet, a just-started experiment spins up its worker). Latencies count only after it.
   */
  measuring = false

  error(message: string): void {
    if (this.errors.length < 20) this.errors.push(message)
  }
}

export const sockets = new Set<ClientSocket>()

export function connect(base: string, auth: SocketAuth, metrics: Metrics): ClientSocket {
  const socket: ClientSocket = connectClient(base, { path: '/socket.io', transports: ['websocket'], forceNew: true, reconnection: false, auth })
  sockets.add(socket)
  socket.onAny(() => metrics.socketEvents++)
  socket.on('connect_error', (error) => metrics.error(`connect_error: ${error.message}`))
  return socket
}

export function connected(socket: ClientSocket): Promise<void> {
  if (socket.connected) return Promise.resolve()
  return new Promise((resolve) => socket.once('connect', () => resolve()))
}

/**
 * A phone: joins as a guest, claims a seat over its socket (as the web app does), then acts
 * once per phase when its view asks, after a short think time. Resolves when its first replica
 * view arrived.
 */
export function phone(base: string, sessionId: string, nodeId: number, thinkMs: number, metrics: Metrics): Promise<void> {
  const socket = connect(base, { sessionId }, metrics)
  const seen = new Set<string>()
  const acted = new Set<string>()
  let firstView: (() => void) | null = null
  const gotFirstView = new Promise<void>((resolve) => (firstView = resolve))
  let held: ReplicaView | null = null
  socket.on('replica:view', (delta: ReplicaView) => {
    // As the phone app does: rebuild the whole view from deltas, resync on a gap.
    const view = mergeReplicaView(held, delta)
    if (view === null) {
      socket.emit('session:sync', {}, () => undefined)
      return
    }
    held = view
    firstView?.()
    firstView = null
    const key = `${view.round}:${view.phase}`
    if (view.phaseDeadline !== null && view.round !== null && !seen.has(key)) {
      seen.add(key)
      if (metrics.measuring) metrics.phaseToView.push(Date.now() - (view.phaseDeadline - PHASE_TIMEOUT_MS))
    }
    if (!view.canAct || acted.has(key)) return
    acted.add(key)
    setTimeout(() => {
      const started = performance.now()
      const measured = metrics.measuring
      metrics.actsInFlight++
      socket.timeout(WAIT_LIMIT_MS).emit('replica:act', {}, (error: Error | null, ack?: { ok: boolean; error?: { code: string } }) => {
        metrics.actsInFlight--
        if (error) metrics.error(`act ${sessionId}/${nodeId}: ${error.message}`)
        else if (!ack?.ok) metrics.error(`act ${sessionId}/${nodeId}: ${ack?.error?.code ?? '?'}`)
        else if (measured) metrics.actLatency.push(performance.now() - started)
      })
    }, Math.random() * thinkMs)
  })
  return (async () => {
    await connected(socket)
    const ack = (await socket.timeout(WAIT_LIMIT_MS).emitWithAck('seat:claim', { nodeId, name: `load ${nodeId}` })) as { ok: boolean; error?: { code: string } }
    if (!ack.ok) throw new Error(`seat:claim ${sessionId}/${nodeId}: ${ack.error?.code}`)
    await gotFirstView
  })()
}

/**
 * A session's watchers (projectors, second screens: guest sockets that never claim), on a
 * worker thread of their own (see watchers.mjs), started before the join clock. `join`
 * connects them and resolves once each got its first `session:update`; `close` disconnects
 * them and adds the events they received.
 */
export async function watchers(
  base: string,
  sessionId: string,
  count: number,
  metrics: Metrics,
): Promise<{ join: () => Promise<void>; close: () => Promise<void> }> {
  const worker = new Worker(WATCHERS, { workerData: { base, sessionId, count } })
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: { type: string }) => {
      if (message.type === 'ready') resolve()
    })
    worker.once('error', reject)
  })
  const joined = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'joined') resolve()
      if (message.type === 'error') metrics.error(message.message ?? 'watcher error')
    })
    worker.once('error', reject)
  })
  await within(ready, 'the watchers thread to start')
  const join = (): Promise<void> => {
    worker.postMessage({ type: 'connect' })
    return joined
  }
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => {
      worker.on('message', (message: { type: string; events?: number }) => {
        if (message.type !== 'closed') return
        metrics.socketEvents += message.events ?? 0
        resolve()
      })
    })
    worker.postMessage({ type: 'close' })
    await Promise.race([closed, sleep(2000)])
    await worker.terminate()
  }
  return { join, close }
}

/**
 * The host dashboard: starts a round, waits for its outcome, starts the next one: a warm-up
 * round (`warmedUp` is called after it), then `rounds` measured ones.
 */
export function host(
  base: string,
  sessionId: string,
  hostToken: string,
  rounds: number,
  metrics: Metrics,
  warmedUp: () => void,
): { socket: ClientSocket; done: Promise<number> } {
  const socket = connect(base, { sessionId, hostToken }, metrics)
  let finished = 0
  let resolveDone: (value: number) => void = () => undefined
  const done = new Promise<number>((resolve) => (resolveDone = resolve))
  const start = (): void => {
    socket.timeout(WAIT_LIMIT_MS).emit('host:start-round', {}, (error: Error | null, ack?: { ok: boolean; error?: { code: string } }) => {
      if (error || !ack?.ok) metrics.error(`start-round ${sessionId}: ${error?.message ?? ack?.error?.code}`)
    })
  }
  let warm = false
  socket.on('round:outcome', (outcome) => {
    if (!warm) {
      warm = true
      warmedUp()
      start()
      return
    }
    if (metrics.measuring) metrics.outcomes.push(outcome)
    finished++
    if (finished >= rounds) resolveDone(finished)
    else start()
  })
  return { socket, done: connected(socket).then(() => ({ socket, start })).then(() => done) }
}

