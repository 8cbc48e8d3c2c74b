import { describe, expect, it } from 'vitest'
import { layoutTopology, treeDepth, treeParent } from '../../src/composables/useTopologyLayout'

const distance = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y)

describe('layoutTopology', () => {
  it('puts a full mesh on a circle, replica 0 at the top, with every pair connected', () => {
    const layout = layoutTopology(4, 'full', 2, { width: 600, height: 600 })
    expect(layout.nodes.map((node) => node.id)).toEqual([0, 1, 2, 3])
    const centre = { x: 300, y: 300 }
    const radii = layout.nodes.map((node) => distance(node, centre))
    for (const r of radii) expect(r).toBeCloseTo(radii[0] as number, 1)
    expect(layout.nodes[0]?.x).toBeCloseTo(300)
    expect(layout.nodes[0]?.y).toBeLessThan(300)
    expect(layout.edges).toHaveLength(6)
  })

  it('keeps every node inside the drawing, for every topology and size', () => {
    for (const topology of ['full', 'ring', 'star', 'tree'] as const) {
      for (const n of [4, 7, 10, 31, 100]) {
        const layout = layoutTopology(n, topology, 3)
        expect(layout.nodes).toHaveLength(n)
        for (const node of layout.nodes) {
          expect(node.x - layout.radius).toBeGreaterThanOrEqual(0)
          expect(node.x + layout.radius).toBeLessThanOrEqual(layout.width)
          expect(node.y - layout.radius).toBeGreaterThanOrEqual(0)
          expect(node.y + layout.radius).toBeLessThanOrEqual(layout.height)
        }
      }
    }
  })

  it('does not draw the N² edges of a big full mesh', () => {
    expect(layoutTopology(100, 'full').edges).toHaveLength(0)
    expect(layoutTopology(10, 'full').edges).toHaveLength(45)
  })

  it('draws a ring as neighbours, a star around replica 0 in the centre', () => {
    expect(layoutTopology(5, 'ring').edges).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 0]])
    const star = layoutTopology(6, 'star', 2, { width: 400, height: 400 })
    expect(star.nodes[0]).toEqual({ id: 0, x: 200, y: 200 })
    expect(star.edges).toEqual([[0, 1], [0, 2], [0, 3], [0, 4], [0, 5]])
  })

  it('lays a tree out by levels with branchCount children per node', () => {
    expect(treeParent(0, 2)).toBeNull()
    expect([1, 2, 3, 4, 5, 6].map((id) => treeParent(id, 2))).toEqual([0, 0, 1, 1, 2, 2])
    expect([0, 1, 3, 7].map((id) => treeDepth(id, 2))).toEqual([0, 1, 2, 3])
    const tree = layoutTopology(7, 'tree', 2)
    expect(tree.edges).toEqual([[0, 1], [0, 2], [1, 3], [1, 4], [2, 5], [2, 6]])
    const y = (id: number) => tree.nodes[id]?.y ?? Number.NaN
    expect(y(0)).toBeLessThan(y(1))
    expect(y(1)).toBe(y(2))
    expect(y(3)).toBe(y(6))
    expect(y(1)).toBeLessThan(y(3))
    // Three children per node: 1..3 under 0.
    expect(layoutTopology(5, 'tree', 3).edges).toEqual([[0, 1], [0, 2], [0, 3], [1, 4]])
  })

  it('shrinks nodes as N grows', () => {
    expect(layoutTopology(100, 'full').radius).toBeLessThan(layoutTopology(4, 'full').radius)
  })
})
