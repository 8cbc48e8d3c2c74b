/** A pending callback that can be cancelled. */
export interface Timer {
  cancel(): void
}

/**
 * Time for the session service: bots' pacing, phase timeouts and gaps, view coalescing. Tests
 * inject a fake one and advance it, so they never wait for real time.
 */
export interface Clock {
  now(): number
  setTimer(callback: () => void, ms: number): Timer
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const handle = setTimeout(callback, Math.max(0, ms))
    return { cancel: () => clearTimeout(handle) }
  },
}
