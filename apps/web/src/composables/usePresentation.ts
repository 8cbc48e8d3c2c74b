import { onScopeDispose, ref, type Ref } from 'vue'

/**
 * Full screen for the projector. The Fullscreen API first; when the browser refuses (no user
 * gesture, an iframe without permission, an old browser) the element is pinned over the whole
 * window instead ("fallback"), which Esc or the same button leaves.
 */

export type PresentationMode = 'off' | 'fullscreen' | 'fallback'

export interface PresentationOptions {
  document?: Pick<Document, 'fullscreenElement' | 'exitFullscreen' | 'addEventListener' | 'removeEventListener'>
}

export function usePresentation(element: Ref<HTMLElement | null>, options: PresentationOptions = {}) {
  const doc = options.document ?? globalThis.document
  const mode = ref<PresentationMode>('off')
  /** The browser said no: the fallback is on, and the page says why. */
  const refused = ref(false)

  function onChange(): void {
    if (doc.fullscreenElement && doc.fullscreenElement === element.value) mode.value = 'fullscreen'
    else if (mode.value === 'fullscreen') mode.value = 'off'
  }
  function onKey(event: KeyboardEvent): void {
    // Esc in an open dialog closes the dialog, not the presentation.
    const inDialog = globalThis.document?.querySelector('dialog[open]') !== null
    if (event.key === 'Escape' && mode.value === 'fallback' && !event.defaultPrevented && !inDialog) mode.value = 'off'
  }
  doc?.addEventListener('fullscreenchange', onChange)
  globalThis.addEventListener?.('keydown', onKey)
  onScopeDispose(() => {
    doc?.removeEventListener('fullscreenchange', onChange)
    globalThis.removeEventListener?.('keydown', onKey)
  })

  async function enter(): Promise<void> {
    const target = element.value
    if (!target) return
    refused.value = false
    try {
      if (typeof target.requestFullscreen !== 'function') throw new Error('no Fullscreen API')
      await target.requestFullscreen()
      mode.value = 'fullscreen'
    } catch {
      refused.value = true
      mode.value = 'fallback'
    }
  }

  async function exit(): Promise<void> {
    if (mode.value === 'fullscreen' && doc.fullscreenElement) {
      try {
        await doc.exitFullscreen()
      } catch {
        // Already left (Esc): fullscreenchange says so.
      }
    }
    mode.value = 'off'
    refused.value = false
  }

  function toggle(): Promise<void> {
    return mode.value === 'off' ? enter() : exit()
  }

  return { mode, refused, enter, exit, toggle }
}
