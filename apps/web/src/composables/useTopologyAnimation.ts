import { onScopeDispose, ref, shallowRef } from 'vue'
import type { MessageType, TracedMessage } from '@pbft/protocol'

/**
 * Messages in flight on the topology drawing: each trace message becomes a dot travelling from
 * its sender to its recipient. At most `maxConcurrent` fly at once (a round at N = 100 sends
 * ~20,000 messages); beyond a backlog the oldest waiting ones are skipped and counted.
 */

export interface FlyingMessage {
  key: string
  from: number
  to: number
  phase: MessageType
  status: TracedMessage['status']
  /** The value that arrives (or was sent, if dropped): the dot takes its colour. */
  value: string
  startedAt: number
}

export interface AnimationOptions {
  /** Milliseconds a message takes to cross. */
  duration?: () => number
  maxConcurrent?: () => number
  /** Waiting messages kept beyond the concurrent ones; older ones are skipped. */
  maxBacklog?: () => number
  /** Milliseconds between the starts of messages queued together. */
  stagger?: number
  now?: () => number
  requestFrame?: (callback: () => void) => unknown
  cancelFrame?: (handle: unknown) => void
}

/** Messages allowed in flight at once for N replicas: everything for small N, a cap for large N. */
export function concurrencyFor(nodes: number): number {
  if (nodes <= 7) return 64
  if (nodes <= 16) return 48
  return 32
}

/** Where a message's dot is at time fraction `t` (0..1): dropped ones stop halfway, rejected ones bounce back. */
export function flightPosition(status: FlyingMessage['status'], t: number): { along: number; opacity: number; mark: 'none' | 'drop' | 'reject' } {
  const clamped = Math.max(0, Math.min(1, t))
  if (status === 'dropped') {
    if (clamped < 0.5) return { along: clamped, opacity: 1, mark: 'none' }
    return { along: 0.5, opacity: Math.max(0, 1 - (clamped - 0.5) * 2), mark: 'drop' }
  }
  if (status === 'rejected') {
    if (clamped < 0.7) return { along: (clamped / 0.7) * 0.88, opacity: 1, mark: 'none' }
    return { along: 0.88 - ((clamped - 0.7) / 0.3) * 0.18, opacity: Math.max(0.2, 1 - (clamped - 0.7) * 2), mark: 'reject' }
  }
  return { along: clamped, opacity: clamped > 0.9 ? 1 - (clamped - 0.9) * 5 : 1, mark: 'none' }
}

export function prefersReducedMotion(): boolean {
  try {
    return globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false
  } catch {
    return false
  }
}

export function useTopologyAnimation(options: AnimationOptions = {}) {
  const duration = options.duration ?? (() => 900)
  const maxConcurrent = options.maxConcurrent ?? (() => 48)
  const maxBacklog = options.maxBacklog ?? (() => maxConcurrent() * 6)
  const stagger = options.stagger ?? 25
  const now = options.now ?? (() => globalThis.performance?.now() ?? Date.now())
  const requestFrame = options.requestFrame ?? ((callback: () => void) => globalThis.requestAnimationFrame?.(callback) ?? setTimeout(callback, 16))
  const cancelFrame =
    options.cancelFrame ??
    ((handle: unknown) => {
      if (typeof handle === 'number' && globalThis.cancelAnimationFrame) globalThis.cancelAnimationFrame(handle)
      else clearTimeout(handle as ReturnType<typeof setTimeout>)
    })

  const flying = shallowRef<FlyingMessage[]>([])
  const clock = ref(now())
  const skipped = ref(0)
  let queue: FlyingMessage[] = []
  let frame: unknown = null
  let sequence = 0

  function tick(): void {
    frame = null
    const time = now()
    clock.value = time
    const span = duration()
    let active = flying.value.filter((message) => time - message.startedAt < span)
    let offset = 0
    while (queue.length > 0 && active.length < maxConcurrent()) {
      const next = queue.shift() as FlyingMessage
      active = [...active, { ...next, startedAt: time + offset }]
      offset += stagger
    }
    flying.value = active
    if (active.length > 0 || queue.length > 0) frame = requestFrame(tick)
  }

  function enqueue(messages: readonly TracedMessage[]): void {
    if (messages.length === 0) return
    for (const message of messages) {
      const value = message.status === 'dropped' ? message.value : (message.deliveredValue ?? message.value)
      queue.push({ key: `${sequence++}`, from: message.from, to: message.to, phase: message.phase, status: message.status, value, startedAt: 0 })
    }
    const limit = maxBacklog()
    if (queue.length > limit) {
      skipped.value += queue.length - limit
      queue = queue.slice(queue.length - limit)
    }
    if (frame === null) frame = requestFrame(tick)
  }

  function clear(): void {
    queue = []
    flying.value = []
    skipped.value = 0
    if (frame !== null) cancelFrame(frame)
    frame = null
  }

  onScopeDispose(clear)
  return { flying, clock, skipped, enqueue, clear, duration }
}
