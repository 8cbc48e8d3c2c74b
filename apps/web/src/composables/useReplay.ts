import { computed, onScopeDispose, ref, toValue, watch, type MaybeRefOrGetter } from 'vue'
import type { TracedMessage } from '@pbft/protocol'

/**
 * Plays a finished round's trace back, message by message: play / pause / step / seek, at a
 * speed from 0.25× to 4×. A whole round lasts about 8 s at 1× whatever its size (a message
 * every 350 ms at most, several per frame for big rounds).
 */

export const REPLAY_SPEEDS = [0.25, 0.5, 1, 2, 4] as const

/** Milliseconds between two messages at 1×. */
export function replayInterval(messages: number): number {
  return Math.max(12, Math.min(350, 8000 / Math.max(messages, 1)))
}

export interface ReplayOptions {
  setTimer?: (callback: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

export function useReplay(trace: MaybeRefOrGetter<readonly TracedMessage[]>, options: ReplayOptions = {}) {
  const setTimer = options.setTimer ?? ((callback: () => void, ms: number) => setTimeout(callback, ms))
  const clearTimer = options.clearTimer ?? ((handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>))
  const position = ref(0)
  const playing = ref(false)
  const speed = ref(1)
  const total = computed(() => toValue(trace).length)
  const finished = computed(() => total.value > 0 && position.value >= total.value)
  const listeners = new Set<(messages: TracedMessage[]) => void>()
  let timer: unknown = null

  function stopTimer(): void {
    if (timer !== null) clearTimer(timer)
    timer = null
  }

  function advance(count: number): void {
    const start = position.value
    const end = Math.max(0, Math.min(total.value, start + count))
    position.value = end
    if (end > start) {
      const added = toValue(trace).slice(start, end)
      for (const listener of listeners) listener(added)
    }
  }

  function schedule(): void {
    stopTimer()
    if (!playing.value) return
    if (position.value >= total.value) {
      playing.value = false
      return
    }
    const interval = replayInterval(total.value) / speed.value
    const perTick = Math.max(1, Math.ceil(16 / interval))
    timer = setTimer(() => {
      timer = null
      advance(perTick)
      schedule()
    }, interval * perTick)
  }

  function play(): void {
    if (total.value === 0) return
    if (finished.value) position.value = 0
    playing.value = true
    schedule()
  }
  function pause(): void {
    playing.value = false
    stopTimer()
  }
  function step(delta = 1): void {
    pause()
    if (delta > 0) advance(delta)
    else position.value = Math.max(0, position.value + delta)
  }
  function seek(to: number): void {
    position.value = Math.max(0, Math.min(total.value, Math.round(to)))
    if (playing.value) schedule()
  }
  function restart(): void {
    pause()
    position.value = 0
  }

  watch(speed, () => {
    if (playing.value) schedule()
  })
  watch(
    () => toValue(trace),
    () => restart(),
  )
  onScopeDispose(stopTimer)

  return {
    position,
    playing,
    speed,
    total,
    finished,
    play,
    pause,
    step,
    seek,
    restart,
    onAdvance(listener: (messages: TracedMessage[]) => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
