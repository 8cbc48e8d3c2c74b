import { effectScope, nextTick, ref } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { TURN_VIBRATION, useScreenWakeLock, useTurnVibration, type TurnNavigator, type WakeLockSentinelLike } from '../../src/composables/useTurnSignals'

/** A sentinel the browser can take back (it does whenever the page is hidden). */
class FakeSentinel extends EventTarget implements WakeLockSentinelLike {
  released = false
  release(): Promise<void> {
    if (!this.released) {
      this.released = true
      this.dispatchEvent(new Event('release'))
    }
    return Promise.resolve()
  }
  override addEventListener(type: 'release', listener: () => void): void {
    super.addEventListener(type, listener)
  }
}

function fakeWakeLock(refuse = false) {
  const granted: FakeSentinel[] = []
  const wakeLock = {
    request: vi.fn(async (type: 'screen') => {
      expect(type).toBe('screen')
      if (refuse) throw new DOMException('not allowed', 'NotAllowedError')
      const sentinel = new FakeSentinel()
      granted.push(sentinel)
      return sentinel
    }),
  }
  return { wakeLock, granted }
}

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state })
  document.dispatchEvent(new Event('visibilitychange'))
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await nextTick()
}

afterEach(() => setVisibility('visible'))

describe('the "your turn" vibration', () => {
  it('buzzes once when the turn comes, not while it lasts nor when it goes', async () => {
    const vibrate = vi.fn(() => true)
    const canAct = ref(false)
    const scope = effectScope()
    scope.run(() => useTurnVibration(canAct, { navigator: { vibrate, userActivation: { hasBeenActive: true } } }))
    canAct.value = true
    await nextTick()
    expect(vibrate).toHaveBeenCalledExactlyOnceWith(TURN_VIBRATION)
    canAct.value = false
    await nextTick()
    canAct.value = true
    await nextTick()
    expect(vibrate).toHaveBeenCalledTimes(2)
    scope.stop()
  })

  it('stays still where the phone cannot vibrate, or before the student touched the page', async () => {
    const canAct = ref(false)
    const untouched = vi.fn(() => true)
    const scope = effectScope()
    scope.run(() => {
      useTurnVibration(canAct, { navigator: {} })
      useTurnVibration(canAct, { navigator: null })
      useTurnVibration(canAct, { navigator: { vibrate: untouched, userActivation: { hasBeenActive: false } } })
    })
    canAct.value = true
    await nextTick()
    expect(untouched).not.toHaveBeenCalled()
    scope.stop()
  })
})

describe('the screen wake lock', () => {
  it('is held while seated, asked for again when the page shows after being hidden, released on leaving', async () => {
    const { wakeLock, granted } = fakeWakeLock()
    const seated = ref(true)
    const scope = effectScope()
    const lock = scope.run(() => useScreenWakeLock(seated, { navigator: { wakeLock } as TurnNavigator, document }))!
    await settle()
    expect(wakeLock.request).toHaveBeenCalledTimes(1)
    expect(lock.held.value).toBe(true)

    // Hidden: the browser releases the lock by itself; shown again: it is asked for again.
    setVisibility('hidden')
    await granted[0]!.release()
    await settle()
    expect(lock.held.value).toBe(false)
    expect(wakeLock.request).toHaveBeenCalledTimes(1)
    setVisibility('visible')
    await settle()
    expect(wakeLock.request).toHaveBeenCalledTimes(2)
    expect(lock.held.value).toBe(true)

    // Leaving the seat, then the page: released, and not asked for again.
    seated.value = false
    await settle()
    expect(granted[1]!.released).toBe(true)
    expect(lock.held.value).toBe(false)
    seated.value = true
    await settle()
    expect(wakeLock.request).toHaveBeenCalledTimes(3)
    scope.stop()
    await settle()
    expect(granted[2]!.released).toBe(true)
  })

  it('does without where there is no Wake Lock API, or when it is refused', async () => {
    const refused = fakeWakeLock(true)
    const scope = effectScope()
    const [none, denied] = scope.run(() => [
      useScreenWakeLock(ref(true), { navigator: {}, document }),
      useScreenWakeLock(ref(true), { navigator: { wakeLock: refused.wakeLock } as TurnNavigator, document }),
    ])!
    await settle()
    expect(none!.held.value).toBe(false)
    expect(refused.wakeLock.request).toHaveBeenCalledTimes(1)
    expect(denied!.held.value).toBe(false)
    scope.stop()
  })

  it('lets go of a lock granted after the page was left', async () => {
    let grant: (sentinel: FakeSentinel) => void = () => undefined
    const late = new FakeSentinel()
    const wakeLock = { request: vi.fn(() => new Promise<FakeSentinel>((resolve) => (grant = resolve))) }
    const scope = effectScope()
    scope.run(() => useScreenWakeLock(ref(true), { navigator: { wakeLock } as TurnNavigator, document }))
    await settle()
    scope.stop()
    grant(late)
    await settle()
    expect(late.released).toBe(true)
  })
})
