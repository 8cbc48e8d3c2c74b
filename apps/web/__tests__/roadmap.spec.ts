import { describe, expect, it } from 'vitest'
import { upcomingPages } from '../src/roadmap'

describe('upcomingPages', () => {
  it('names every page of the user design card', () => {
    expect(upcomingPages.map((p) => p.name)).toEqual(['Host dashboard', 'Join', 'Node', 'Experiment'])
  })
})
