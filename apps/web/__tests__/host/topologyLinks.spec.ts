import { describe, expect, it } from 'vitest'
import { ALL_LINKS_UP_TO, linkStatus, MAX_LINKS, registerValues, topologyLinks } from '../../src/composables/useTopologyLinks'
import { besideNode, linkGeometry, outwardLabel } from '../../src/composables/useTopologyLayout'
import { ValuePalette } from '../../src/session/valueColours'
import { allToAll, message } from './storyFixtures'

describe('topologyLinks', () => {
  it('tells delivered, dropped, rejected and forged messages apart', () => {
    expect(linkStatus(message('prepare', 1, 2))).toBe('delivered')
    expect(linkStatus(message('prepare', 1, 2, { status: 'dropped' }))).toBe('dropped')
    expect(linkStatus(message('prepare', 1, 2, { status: 'rejected', deliveredValue: 'blue*' }))).toBe('rejected')
    // Altered in transit and taken at face value (authentication off).
    expect(linkStatus(message('prepare', 1, 2, { deliveredValue: 'blue*' }))).toBe('forged')
  })

  it('draws the messages of the phase on show, in the colour of the value that arrived', () => {
    const palette = new ValuePalette('blue')
    const trace = [
      message('pre-prepare', 0, 1),
      message('prepare', 1, 2),
      message('prepare', 2, 1, { value: 'blue′', deliveredValue: 'blue′' }),
      message('prepare', 3, 1, { deliveredValue: 'blue*' }),
      message('prepare', 1, 3, { status: 'dropped' }),
    ]
    const { links, hidden } = topologyLinks(trace, 'prepare', palette, 4)
    expect(hidden).toBe(0)
    expect(links.map((link) => [link.from, link.to, link.status, link.letter])).toEqual([
      [1, 2, 'delivered', 'A'],
      [2, 1, 'delivered', 'B'],
      [3, 1, 'forged', 'X'],
      [1, 3, 'dropped', 'A'],
    ])
    expect(links[0]?.colour).toBe(palette.styleOf('blue').colour)
    expect(links[1]?.colour).toBe(palette.styleOf('blue′').colour)
    expect(links[3]?.colour).not.toBe(links[0]?.colour)
    expect(topologyLinks(trace, null, palette, 4).links).toEqual([])
  })

  it('draws only what went wrong in a large round, and never more than the cap', () => {
    const ids = Array.from({ length: 40 }, (_, id) => id)
    const trace = allToAll('prepare', ids.slice(1), ids, (from, to) => ((from + to) % 3 === 0 ? { status: 'dropped', counted: false } : {}))
    const dropped = trace.filter((m) => m.status === 'dropped').length
    const { links, hidden } = topologyLinks(trace, 'prepare', new ValuePalette('blue'), 40)
    expect(40).toBeGreaterThan(ALL_LINKS_UP_TO)
    expect(links.every((link) => link.status === 'dropped')).toBe(true)
    expect(links.length).toBe(Math.min(dropped, MAX_LINKS))
    expect(links.length + hidden).toBe(trace.length)
  })

  it('gives typed values their letters in the order the trace shows them', () => {
    const palette = registerValues(new ValuePalette('blue'), [message('prepare', 1, 2, { value: 'red', deliveredValue: 'red' }), message('prepare', 1, 3, { value: 'green', deliveredValue: 'green' })])
    expect(palette.styleOf('green').letter).toBe('D')
    expect(palette.styleOf('red').letter).toBe('C')
  })
})

describe('topology geometry', () => {
  const a = { id: 0, x: 100, y: 100 }
  const b = { id: 1, x: 300, y: 100 }

  it('keeps a → b and b → a on two sides of the pair, and a dropped message stops halfway', () => {
    const there = linkGeometry(a, b, 20, 5)
    const back = linkGeometry(b, a, 20, 5)
    expect(there.y1).not.toBe(back.y1)
    expect(there.x1).toBeCloseTo(122)
    expect(there.x2).toBeCloseTo(276)
    const half = linkGeometry(a, b, 20, 5, 0.5)
    expect(half.x2).toBeCloseTo((there.x1 + there.x2) / 2)
  })

  it('puts a node’s label outwards and its chip a quarter turn away', () => {
    const layout = { width: 600, height: 600 }
    const top = { id: 0, x: 300, y: 50 }
    expect(outwardLabel(top, layout, 30)).toEqual({ x: 300, y: 20, anchor: 'middle' })
    expect(besideNode(top, layout, 30)).toEqual({ x: 330, y: 50 })
    const right = { id: 1, x: 550, y: 300 }
    expect(outwardLabel(right, layout, 30).anchor).toBe('start')
    expect(besideNode(right, layout, 30)).toEqual({ x: 550, y: 330 })
  })
})
