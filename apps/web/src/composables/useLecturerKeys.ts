import { onScopeDispose } from 'vue'

/**
 * Keys for a lecturer at the projector: Space or N starts a round (or closes the current
 * phase), V forces the next view (the primary is replaced), R resets it, F toggles full screen, Q shows the join code, ? opens the help. They
 * never fire while the lecturer types in a field, nor with Ctrl/Alt/⌘ (the browser's own
 * shortcuts), and Space is left to a focused button, link or tab, which it activates itself.
 */

export type LecturerAction = 'advance' | 'nextView' | 'reset' | 'fullscreen' | 'qr' | 'help'

/** The key (KeyboardEvent.key, lower-cased) → action table; also what the help overlay lists. */
export const LECTURER_KEYS: readonly { keys: readonly string[]; action: LecturerAction }[] = [
  { keys: [' ', 'n'], action: 'advance' },
  { keys: ['v'], action: 'nextView' },
  { keys: ['r'], action: 'reset' },
  { keys: ['f'], action: 'fullscreen' },
  { keys: ['q'], action: 'qr' },
  { keys: ['?'], action: 'help' },
]

const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]'
/** Elements that Space activates by themselves. */
const SPACE_TAKERS = 'button, a[href], summary, [role="button"], [role="tab"], [role="switch"], [role="checkbox"], [role="radio"], [role="slider"], [role="menuitem"], [role="option"]'

export function actionFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target' | 'defaultPrevented'>): LecturerAction | null {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return null
  const target = event.target as Element | null
  if (target?.closest?.(TYPING)) return null
  const key = event.key.toLowerCase()
  if (key === ' ' && target?.closest?.(SPACE_TAKERS)) return null
  return LECTURER_KEYS.find((entry) => entry.keys.includes(key))?.action ?? null
}

export interface LecturerKeysOptions {
  /** While this returns true (a dialog is open), the round is left alone: no advance, no reset. */
  paused?: () => boolean
  target?: Pick<Window, 'addEventListener' | 'removeEventListener'>
}

export function useLecturerKeys(handlers: Record<LecturerAction, () => void>, options: LecturerKeysOptions = {}): void {
  const target = options.target ?? globalThis.window
  function onKey(event: KeyboardEvent): void {
    const action = actionFor(event)
    if (action === null) return
    if (options.paused?.() && (action === 'advance' || action === 'reset' || action === 'nextView')) return
    event.preventDefault()
    handlers[action]()
  }
  target?.addEventListener('keydown', onKey as EventListener)
  onScopeDispose(() => target?.removeEventListener('keydown', onKey as EventListener))
}
