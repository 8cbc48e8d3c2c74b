import { describe, expect, it, vi } from 'vitest'
import { effectScope, ref } from 'vue'
import { actionFor, useLecturerKeys, type LecturerAction } from '../../src/composables/useLecturerKeys'
import { usePresentation } from '../../src/composables/usePresentation'

function key(name: string, target: Element = document.body, modifiers: Partial<KeyboardEvent> = {}) {
  return { key: name, ctrlKey: false, metaKey: false, altKey: false, defaultPrevented: false, target, ...modifiers } as KeyboardEvent
}

describe('lecturer keys', () => {
  it('maps Space/N, V, R, F, Q and ? to their actions, whatever the case', () => {
    expect([' ', 'n', 'N', 'v', 'V', 'r', 'f', 'q', '?'].map((name) => actionFor(key(name)))).toEqual([
      'advance',
      'advance',
      'advance',
      'nextView',
      'nextView',
      'reset',
      'fullscreen',
      'qr',
      'help',
    ])
    expect(actionFor(key('x'))).toBeNull()
  })

  it('stay quiet while the lecturer types, with Ctrl/Alt/⌘, and leave Space to a focused button', () => {
    document.body.innerHTML = '<input id="i"><textarea id="t"></textarea><select id="s"></select><div contenteditable="true" id="c"></div><button id="b"></button>'
    for (const id of ['i', 't', 's', 'c']) expect(actionFor(key('n', document.getElementById(id) as Element)), id).toBeNull()
    expect(actionFor(key('r', document.body, { ctrlKey: true }))).toBeNull()
    expect(actionFor(key('f', document.body, { metaKey: true }))).toBeNull()
    const button = document.getElementById('b') as Element
    expect(actionFor(key(' ', button))).toBeNull()
    expect(actionFor(key('n', button))).toBe('advance')
  })

  it('call their handler, and leave the round alone while a dialog is open', () => {
    const target = new EventTarget()
    const calls: LecturerAction[] = []
    let paused = false
    const scope = effectScope()
    scope.run(() =>
      useLecturerKeys(
        { advance: () => calls.push('advance'), nextView: () => calls.push('nextView'), reset: () => calls.push('reset'), fullscreen: () => calls.push('fullscreen'), qr: () => calls.push('qr'), help: () => calls.push('help') },
        { paused: () => paused, target: target as unknown as Window },
      ),
    )
    const press = (name: string) => {
      const event = new KeyboardEvent('keydown', { key: name, cancelable: true })
      target.dispatchEvent(event)
      return event.defaultPrevented
    }
    expect(press('n')).toBe(true)
    expect(press('v')).toBe(true)
    paused = true
    press('n')
    press('v')
    press('r')
    press('?')
    press('q')
    expect(calls).toEqual(['advance', 'nextView', 'help', 'qr'])
    scope.stop()
    press('f')
    expect(calls).toHaveLength(4)
  })
})

describe('usePresentation', () => {
  it('goes full screen with the Fullscreen API, and back', async () => {
    const element = document.createElement('div')
    const fakeDocument = Object.assign(new EventTarget(), { fullscreenElement: null as Element | null, exitFullscreen: vi.fn(async () => undefined) })
    element.requestFullscreen = vi.fn(async () => {
      fakeDocument.fullscreenElement = element
    })
    const scope = effectScope()
    const presentation = scope.run(() => usePresentation(ref(element), { document: fakeDocument as unknown as Document }))!
    await presentation.toggle()
    expect(presentation.mode.value).toBe('fullscreen')
    expect(presentation.refused.value).toBe(false)
    await presentation.toggle()
    expect(fakeDocument.exitFullscreen).toHaveBeenCalled()
    expect(presentation.mode.value).toBe('off')
    scope.stop()
  })

  it('falls back to filling the window when the browser refuses, and Esc leaves it', async () => {
    const element = document.createElement('div')
    element.requestFullscreen = vi.fn(async () => {
      throw new TypeError('Permissions check failed')
    })
    const scope = effectScope()
    const presentation = scope.run(() => usePresentation(ref(element)))!
    await presentation.enter()
    expect(presentation.mode.value).toBe('fallback')
    expect(presentation.refused.value).toBe(true)
    globalThis.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    expect(presentation.mode.value).toBe('off')
    scope.stop()
  })

  it('notices when the lecturer leaves full screen with the browser’s own Esc', async () => {
    const element = document.createElement('div')
    const fakeDocument = Object.assign(new EventTarget(), { fullscreenElement: null as Element | null, exitFullscreen: vi.fn() })
    element.requestFullscreen = vi.fn(async () => {
      fakeDocument.fullscreenElement = element
    })
    const scope = effectScope()
    const presentation = scope.run(() => usePresentation(ref(element), { document: fakeDocument as unknown as Document }))!
    await presentation.enter()
    fakeDocument.fullscreenElement = null
    fakeDocument.dispatchEvent(new Event('fullscreenchange'))
    expect(presentation.mode.value).toBe('off')
    scope.stop()
  })
})
