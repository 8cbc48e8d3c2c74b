import { judgeRound, PHASES, type Phase } from '../outcome'

/** The verdict of a round as a small code: 0 = success, else 1 + the failing phase's index in PHASES. */
export type VerdictCode = number

/** Beyond this many (Npp, Np, Nc) triples the memo falls back from a typed array to a Map. */
const MAX_TABLE_ENTRIES = 1 << 22
/** A Map memo stops growing here (~3 MB); further triples are judged afresh, which is still correct. */
const MAX_MAP_ENTRIES = 1 << 16
/** What one entry of a Map memo costs, roughly, for the budget below. */
const MAP_ENTRY_BYTES = 48
/**
 * Memos kept for reuse, all (N, f) together. A sweep plays many points with the same N and f
 * (every p of a row): without sharing, each point allocated its own (N + 1)³ table, and a
 * 10,000-point sweep churned through gigabytes (RSS ~1 GB that never came back).
 */
const KEPT_BYTES = 16 * 1024 * 1024

/**
 * The memo of `judgeRound` for one (N, f): the verdict does not depend on p (nor on anything
 * else a simulation varies), so every simulation with that N and f shares it. Typed-array
 * entries hold `code + 1`, so a fresh (zeroed, lazily committed) array needs no filling.
 */
class VerdictTable {
  readonly side: number
  readonly table: Int8Array | null
  readonly map = new Map<number, VerdictCode>()

  constructor(
    readonly nodes: number,
    readonly f: number,
  ) {
    this.side = nodes + 1
    const entries = this.side * this.side * this.side
    this.table = entries <= MAX_TABLE_ENTRIES ? new Int8Array(entries) : null
  }

  get bytes(): number {
    return this.table?.byteLength ?? this.map.size * MAP_ENTRY_BYTES
  }
}

/** Kept memos by key, least recently used first (a Map iterates in insertion order). */
const kept = new Map<number, VerdictTable>()

function tableKey(nodes: number, f: number): number {
  return nodes * 0x100000 + f
}

/** The shared memo of (nodes, f), made if needed; older memos are dropped beyond KEPT_BYTES. */
function sharedTable(nodes: number, f: number): VerdictTable {
  const key = tableKey(nodes, f)
  let table = kept.get(key)
  if (table !== undefined) {
    kept.delete(key)
    kept.set(key, table)
    return table
  }
  table = new VerdictTable(nodes, f)
  kept.set(key, table)
  let bytes = 0
  for (const memo of kept.values()) bytes += memo.bytes
  // Simulations still holding a dropped memo keep using it; it is freed with them.
  for (const [oldKey, memo] of kept) {
    if (bytes <= KEPT_BYTES || memo === table) break
    kept.delete(oldKey)
    bytes -= memo.bytes
  }
  return table
}

/** Diagnostics (tests): the memos kept for reuse and their size. */
export function keptVerdictTables(): { count: number; bytes: number } {
  let bytes = 0
  for (const memo of kept.values()) bytes += memo.bytes
  return { count: kept.size, bytes }
}

/**
 * `judgeRound` memoised on (Npp, Np, Nc), so hot Monte-Carlo loops apply the one rule of
 * metric A without allocating a verdict (and a reason string) per round. Caches of the same
 * (N, f) share one memo.
 */
export class VerdictCache {
  private readonly side: number
  private readonly table: Int8Array | null
  private readonly map: Map<number, VerdictCode>

  constructor(
    private readonly nodes: number,
    private readonly f: number,
  ) {
    const shared = sharedTable(nodes, f)
    this.side = shared.side
    this.table = shared.table
    this.map = shared.map
  }

  code(npp: number, np: number, nc: number): VerdictCode {
    const key = (npp * this.side + np) * this.side + nc
    if (this.table !== null) {
      const cached = this.table[key] ?? 0
      if (cached !== 0) return cached - 1
      const fresh = this.judge(npp, np, nc)
      this.table[key] = fresh + 1
      return fresh
    }
    let cached = this.map.get(key)
    if (cached === undefined) {
      cached = this.judge(npp, np, nc)
      if (this.map.size < MAX_MAP_ENTRIES) this.map.set(key, cached)
    }
    return cached
  }

  private judge(npp: number, np: number, nc: number): VerdictCode {
    const verdict = judgeRound(this.nodes, this.f, npp, np, nc)
    return verdict.failure === null ? 0 : 1 + PHASES.indexOf(verdict.failure.phase)
  }
}

/** The failing phase of a verdict code, or null for a success. */
export function failurePhaseOf(code: VerdictCode): Phase | null {
  return code === 0 ? null : (PHASES[code - 1] ?? null)
}
