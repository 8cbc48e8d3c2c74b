import { describe, expect, it } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import { createAppRouter, routes } from '../src/router'

describe('the router', () => {
  it.each([
    ['/', 'home'],
    ['/join', 'join'],
    ['/join/AB12', 'join'],
    ['/node/s1/3', 'node'],
    ['/experiment', 'experiment'],
    ['/history', 'history'],
    ['/history/s1', 'history'],
    ['/nowhere/at/all', 'not-found'],
  ])('resolves %s to the %s page', (path, name) => {
    const router = createAppRouter(createMemoryHistory())
    expect(router.resolve(path).name).toBe(name)
  })

  it('loads every page lazily, in its own chunk', () => {
    for (const route of routes) {
      expect(typeof route.component, String(route.name)).toBe('function')
      expect(route.meta?.titleKey).toBeTruthy()
    }
  })
})
