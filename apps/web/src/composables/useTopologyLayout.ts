import { computed, toValue, type MaybeRefOrGetter } from 'vue'
import type { Topology } from '@pbft/protocol'

/**
 * Where each replica sits in the topology drawing, and which edges are drawn. The topology
 * only changes the picture: every replica still sends to every other one, so messages travel
 * in straight lines between any two nodes.
 */

/**
 * A replica as drawn. The shape tells honest (circle) from Byzantine (diamond); the fill, the
 * value it committed (the value's colour, with its letter beside the node); a thick ring in the
 * value's colour, prepared; a dashed outline, still awaited in this phase.
 */
export interface TopologyNodeState {
  id: number
  byzantine: boolean
  prepared: boolean
  committed: boolean
  pending?: boolean
  /** The value it accepted (or committed): its letter and colour. */
  value?: { letter: string; colour: string } | null
  human?: boolean
  /** A student's name, for human seats. */
  name?: string | null
  /** Matching messages of the shown phase it counted, and how many it needs. */
  count?: { seen: number; quorum: number } | null
  /** Its view timer runs: the part left (0..1); null or absent: not running. */
  timer?: number | null
}

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
  /** Room kept around the ring for labels outside the nodes. */
  labelRoom?: number
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
  const ring = Math.min(width, height) / 2 - radius - 8 - (options.labelRoom ?? 0)
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
    const top = radius + 8 + (options.labelRoom ?? 0) / 2
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

/** A message's line from one node's rim towards another's, shifted to its own side of the pair. */
export interface LinkGeometry {
  x1: number
  y1: number
  x2: number
  y2: number
  /** Halfway along the line. */
  mx: number
  my: number
  /** Arrowhead at (x2, y2): three points. */
  head: string
  /** A short bar across the end (a door shut: rejected). */
  bar: { x1: number; y1: number; x2: number; y2: number }
}

/**
 * Where to draw a directed message from `a` to `b`: from rim to rim, offset perpendicular by
 * `offset` so that a → b and b → a stay two visible lines; `along` (0..1] cuts it short (a
 * dropped message stops halfway).
 */
export function linkGeometry(a: LayoutNode, b: LayoutNode, radius: number, offset: number, along = 1, headSize = 8): LinkGeometry {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const length = Math.hypot(dx, dy) || 1
  const ux = dx / length
  const uy = dy / length
  const nx = -uy * offset
  const ny = ux * offset
  const start = radius + 2
  const usable = Math.max(0, length - 2 * start - 2)
  const x1 = a.x + ux * start + nx
  const y1 = a.y + uy * start + ny
  const x2 = x1 + ux * usable * along
  const y2 = y1 + uy * usable * along
  const back = { x: x2 - ux * headSize, y: y2 - uy * headSize }
  const side = headSize * 0.5
  const head = `${round2(x2)},${round2(y2)} ${round2(back.x - uy * side)},${round2(back.y + ux * side)} ${round2(back.x + uy * side)},${round2(back.y - ux * side)}`
  const bar = { x1: round2(x2 - uy * side * 1.4), y1: round2(y2 + ux * side * 1.4), x2: round2(x2 + uy * side * 1.4), y2: round2(y2 - ux * side * 1.4) }
  return { x1: round2(x1), y1: round2(y1), x2: round2(x2), y2: round2(y2), mx: round2((x1 + x2) / 2), my: round2((y1 + y2) / 2), head, bar }
}

/** Where a label outside the drawing's centre goes for a node, and how to anchor it. */
export function outwardLabel(node: LayoutNode, layout: Pick<TopologyLayout, 'width' | 'height'>, distance: number): { x: number; y: number; anchor: 'start' | 'middle' | 'end' } {
  const dx = node.x - layout.width / 2
  const dy = node.y - layout.height / 2
  const length = Math.hypot(dx, dy)
  if (length < 1) return { x: node.x, y: node.y + distance, anchor: 'middle' }
  const x = node.x + (dx / length) * distance
  const y = node.y + (dy / length) * distance
  const anchor = dx / length > 0.35 ? 'start' : dx / length < -0.35 ? 'end' : 'middle'
  return { x: round2(x), y: round2(y), anchor }
}

/**
 * A spot beside a node, a quarter turn clockwise from its outward label, so that a node's
 * value chip and its label never sit on each other.
 */
export function besideNode(node: LayoutNode, layout: Pick<TopologyLayout, 'width' | 'height'>, distance: number): { x: number; y: number } {
  const dx = node.x - layout.width / 2
  const dy = node.y - layout.height / 2
  const length = Math.hypot(dx, dy)
  const [ux, uy] = length < 1 ? [0, -1] : [dx / length, dy / length]
  return { x: round2(node.x - uy * distance), y: round2(node.y + ux * distance) }
}
