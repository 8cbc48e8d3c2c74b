import { onScopeDispose, ref, watch, type Ref } from 'vue'
import { useDocumentVisibility } from '@vueuse/core'

/** The part of a Wake Lock API sentinel we use. */
export interface WakeLockSentinelLike {
  release(): Promise<void>
  addEventListener(type: 'release', listener: () => void): void
}

/** The part of `navigator` the signals use; each member may be missing (not every phone has it). */
export interface TurnNavigator {
  vibrate?: (pattern: number | number[]) => boolean
  wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> }
  /** Chrome refuses (and logs) a vibration before the user first touched the page. */
  userActivation?: { hasBeenActive: boolean }
}

export interface TurnSignalOptions {
  navigator?: TurnNavigator | null
  document?: Document
}

/** A short double buzz: noticeable in a pocket, not alarming. */
export const TURN_VIBRATION = [180, 90, 180]

/**
 * Buzzes the phone when it becomes this replica's turn (`canAct` turns true), where the phone
 * can vibrate and the student has touched the page at least once.
 */
export function useTurnVibration(canAct: Ref<boolean>, options: TurnSignalOptions = {}): void {
  const nav = options.navigator === undefined ? (globalThis.navigator as TurnNavigator | undefined) : options.navigator
  watch(canAct, (now, before) => {
    if (!now || before || typeof nav?.vibrate !== 'function') return
    if (nav.userActivation && !nav.userActivation.hasBeenActive) return
    nav.vibrate(TURN_VIBRATION)
  })
}

/**
 * Keeps the screen on while `active` (a student holds a seat), where the Wake Lock API exists.
 * The browser drops the lock whenever the page is hidden: it is asked for again when the page
 * shows, and let go when `active` turns false or the scope ends (leaving the page). A refusal
 * (battery saver, permissions policy) only means the screen may dim.
 */
export function useScreenWakeLock(active: Ref<boolean>, options: TurnSignalOptions = {}): { held: Ref<boolean> } {
  const nav = options.navigator === undefined ? (globalThis.navigator as TurnNavigator | undefined) : options.navigator
  const visibility = useDocumentVisibility(options.document ? { document: options.document } : {})
  const held = ref(false)
  let sentinel: WakeLockSentinelLike | null = null
  let asking = false
  let disposed = false

  function wanted(): boolean {
    return !disposed && active.value && visibility.value === 'visible'
  }

  async function acquire(): Promise<void> {
    if (!nav?.wakeLock || sentinel !== null || asking || !wanted()) return
    asking = true
    try {
      const granted = await nav.wakeLock.request('screen')
      if (!wanted()) {
        await granted.release()
        return
      }
      sentinel = granted
      held.value = true
      granted.addEventListener('release', () => {
        if (sentinel === granted) {
          sentinel = null
          held.value = false
        }
      })
    } catch {
      // Refused: the screen may dim, everything else works.
    } finally {
      asking = false
    }
  }

  function release(): void {
    const current = sentinel
    sentinel = null
    held.value = false
    current?.release().catch(() => undefined)
  }

  watch(
    [active, visibility],
    () => {
      if (wanted()) void acquire()
      else if (!active.value) release()
    },
    { immediate: true },
  )
  onScopeDispose(() => {
    disposed = true
    release()
  })
  return { held }
}
