import { computed, toValue, type MaybeRefOrGetter } from 'vue'
import type { Topology } from '@pbft/protocol'

/**
 * Where each replica sits in the topology drawing, and which edges are drawn. The topology
 * only changes the picture: every replica still sends to every other one, so messages travel
 * in straight lines between any two nodes.
 */

export interface LayoutNode {
  id: number
  x: number
  y: number
}

export interface TopologyLayout {
  width: number
  height: number
  nodes: LayoutNode[]
  edges: [number, number][]
  /** Node radius that keeps neighbours apart at this N. */
  radius: number
}

export interface LayoutOptions {
  width?: number
  height?: number
  /** Edges of a full mesh beyond this many nodes are too many to draw (N² / 2 lines). */
  maxFullMeshNodes?: number
}

const round2 = (value: number): number => Math.round(value * 100) / 100

function circle(ids: number[], cx: number, cy: number, r: number, startAngle = -Math.PI / 2): LayoutNode[] {
  return ids.map((id, index) => {
    const angle = startAngle + (2 * Math.PI * index) / Math.max(ids.length, 1)
    return { id, x: round2(cx + r * Math.cos(angle)), y: round2(cy + r * Math.sin(angle)) }
  })
}

/** The parent of `id` in a tree with `branches` children per node (0 is the root). */
export function treeParent(id: number, branches: number): number | null {
  return id === 0 ? null : Math.floor((id - 1) / branches)
}

export function treeDepth(id: number, branches: number): number {
  let depth = 0
  for (let node: number | null = id; node !== null && node !== 0; node = treeParent(node, branches)) depth++
  return depth
}

export function layoutTopology(nodeCount: number, topology: Topology, branchCount = 2, options: LayoutOptions = {}): TopologyLayout {
  const width = options.width ?? 600
  const height = options.height ?? 600
  const n = Math.max(0, Math.floor(nodeCount))
  const ids = Array.from({ length: n }, (_, id) => id)
  const cx = width / 2
  const cy = height / 2
  let radius = Math.max(6, Math.min(28, (Math.PI * Math.min(width, height) * 0.4) / Math.max(n, 1) / 2.4))
  const ring = Math.min(width, height) / 2 - radius - 8
  const edges: [number, number][] = []
  let nodes: LayoutNode[]

  if (topology === 'star') {
    nodes = [{ id: 0, x: cx, y: cy }, ...circle(ids.slice(1), cx, cy, ring)].slice(0, n)
    for (let id = 1; id < n; id++) edges.push([0, id])
  } else if (topology === 'tree') {
    const branches = Math.max(1, Math.min(10, Math.floor(branchCount)))
    const levels = new Map<number, number[]>()
    for (const id of ids) {
      const depth = treeDepth(id, branches)
      levels.set(depth, [...(levels.get(depth) ?? []), id])
      const parent = treeParent(id, branches)
      if (parent !== null) edges.push([parent, id])
    }
    const depthCount = Math.max(levels.size, 1)
    const widest = Math.max(1, ...[...levels.values()].map((members) => members.length))
    radius = Math.max(2, Math.min(radius, width / widest / 2.4))
    const top = radius + 8
    const usable = height - 2 * top
    nodes = []
    for (const [depth, members] of levels) {
      const y = depthCount === 1 ? cy : top + (usable * depth) / (depthCount - 1)
      members.forEach((id, index) => {
        nodes.push({ id, x: round2(radius + ((index + 0.5) * (width - 2 * radius)) / members.length), y: round2(y) })
      })
    }
    nodes.sort((a, b) => a.id - b.id)
  } else {
    nodes = circle(ids, cx, cy, ring)
    if (topology === 'ring') {
      if (n > 1) for (let id = 0; id < n; id++) edges.push([id, (id + 1) % n])
      if (n === 2) edges.pop()
    } else if (n <= (options.maxFullMeshNodes ?? 24)) {
      for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) edges.push([a, b])
    }
  }
  return { width, height, nodes, edges, radius: round2(radius) }
}

export function useTopologyLayout(
  nodeCount: MaybeRefOrGetter<number>,
  topology: MaybeRefOrGetter<Topology>,
  branchCount: MaybeRefOrGetter<number> = 2,
) {
  return computed(() => layoutTopology(toValue(nodeCount), toValue(topology), toValue(branchCount)))
}
