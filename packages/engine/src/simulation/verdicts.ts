import { judgeRound, PHASES, type Phase } from '../outcome'

/** The verdict of a round as a small code: 0 = success, else 1 + the failing phase's index in PHASES. */
export type VerdictCode = number

/** Beyond this many (Npp, Np, Nc) triples the cache falls back from a typed array to a Map. */
const MAX_TABLE_ENTRIES = 1 << 22
const UNKNOWN = -1

/**
 * `judgeRound` memoised on (Npp, Np, Nc), so hot Monte-Carlo loops apply the one rule of
 * metric A without allocating a verdict (and a reason string) per round.
 */
export class VerdictCache {
  private readonly side: number
  private readonly table: Int8Array | null
  private readonly map = new Map<number, VerdictCode>()

  constructor(
    private readonly nodes: number,
    private readonly f: number,
  ) {
    this.side = nodes + 1
    const entries = this.side * this.side * this.side
    this.table = entries <= MAX_TABLE_ENTRIES ? new Int8Array(entries).fill(UNKNOWN) : null
  }

  code(npp: number, np: number, nc: number): VerdictCode {
    const key = (npp * this.side + np) * this.side + nc
    if (this.table !== null) {
      const cached = this.table[key] ?? UNKNOWN
      if (cached !== UNKNOWN) return cached
      const fresh = this.judge(npp, np, nc)
      this.table[key] = fresh
      return fresh
    }
    let cached = this.map.get(key)
    if (cached === undefined) {
      cached = this.judge(npp, np, nc)
      this.map.set(key, cached)
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
