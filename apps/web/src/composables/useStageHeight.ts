import { onMounted, onScopeDispose, ref, type Ref } from 'vue'

/**
 * The height that makes an element end at the bottom of the window (or of the full-screen
 * element it sits in), so that the round stage fills the first screen of a projector whatever
 * the bars above it. Null on narrow screens, where the stage just stacks.
 */

export interface StageHeightOptions {
  /** Below this window width the stage stacks (phones, tablets upright). */
  minWidth?: number
  /** Never shorter than this (a short laptop window scrolls instead). */
  minHeight?: number
  /** Room left under the stage. */
  bottom?: number
}

/** Where an element starts inside the box that scrolls it, whatever the current scroll. */
function offsetInScroller(element: HTMLElement): number {
  const scroller = element.closest<HTMLElement>('[data-stage-scroller]')
  if (scroller && getComputedStyle(scroller).position === 'fixed') {
    return element.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop
  }
  return element.getBoundingClientRect().top + globalThis.scrollY
}

export function useStageHeight(element: Ref<HTMLElement | null>, options: StageHeightOptions = {}) {
  const { minWidth = 900, minHeight = 460, bottom = 12 } = options
  const height = ref<number | null>(null)

  function measure(): void {
    const target = element.value
    if (!target || globalThis.innerWidth < minWidth) {
      height.value = null
      return
    }
    const top = document.fullscreenElement?.contains(target) ? target.getBoundingClientRect().top - document.fullscreenElement.getBoundingClientRect().top + document.fullscreenElement.scrollTop : offsetInScroller(target)
    height.value = Math.max(minHeight, Math.floor(globalThis.innerHeight - top - bottom))
  }

  onMounted(measure)
  globalThis.addEventListener?.('resize', measure)
  globalThis.document?.addEventListener('fullscreenchange', measure)
  onScopeDispose(() => {
    globalThis.removeEventListener?.('resize', measure)
    globalThis.document?.removeEventListener('fullscreenchange', measure)
  })
  return { height, measure }
}
