import { describe, expect, it } from 'vitest'
import { judgeRound, PHASES } from '../../src/outcome'
import { Rng } from '../../src/rng'
import { FastPath } from '../../src/simulation/fastPath'
import { failurePhaseOf, keptVerdictTables, VerdictCache, type VerdictCode } from '../../src/simulation/verdicts'

/** The code judgeRound's verdict stands for, worked out independently of the cache. */
function expectedCode(nodes: number, f: number, npp: number, np: number, nc: number): VerdictCode {
  const { failure } = judgeRound(nodes, f, npp, np, nc)
  return failure === null ? 0 : 1 + PHASES.indexOf(failure.phase)
}

describe('VerdictCache', () => {
  it('agrees with judgeRound on every triple, for every N up to 10 and every f', () => {
    for (let nodes = 1; nodes <= 10; nodes++) {
      for (let f = 0; f < nodes; f++) {
        const cache = new VerdictCache(nodes, f)
        // Twice over: the second pass reads what the first one stored.
        for (let pass = 0; pass < 2; pass++) {
          for (let npp = 0; npp <= nodes; npp++) {
            for (let np = 0; np <= nodes; np++) {
              for (let nc = 0; nc <= nodes; nc++) {
                const got = cache.code(npp, np, nc)
                if (got !== expectedCode(nodes, f, npp, np, nc)) {
                  expect.fail(`N=${nodes} f=${f} (${npp}, ${np}, ${nc}) pass ${pass}: got ${got}`)
                }
              }
            }
          }
        }
      }
    }
  })

  it('codes metric A: success at N - f everywhere, else the first short phase', () => {
    const cache = new VerdictCache(7, 2) // N - f = 5
    expect(cache.code(5, 5, 5)).toBe(0)
    expect(cache.code(7, 6, 5)).toBe(0)
    expect(cache.code(4, 7, 7)).toBe(1)
    expect(cache.code(4, 0, 0)).toBe(1)
    expect(cache.code(5, 4, 7)).toBe(2)
    expect(cache.code(5, 5, 4)).toBe(3)
  })

  it('keeps two caches for different (N, f) apart', () => {
    const strict = new VerdictCache(4, 0) // needs all 4
    const lenient = new VerdictCache(4, 1) // needs 3
    expect(lenient.code(3, 3, 3)).toBe(0)
    expect(strict.code(3, 3, 3)).toBe(1)
    expect(lenient.code(3, 3, 3)).toBe(0)
  })

  it('falls back to a map for large N, with the same verdicts', () => {
    // (N + 1)³ > 2^22 from N = 161 on.
    for (const [nodes, f] of [
      [161, 53],
      [400, 133],
      [1000, 10],
    ] as const) {
      const cache = new VerdictCache(nodes, f)
      const rng = new Rng(nodes)
      const triples: [number, number, number][] = []
      const threshold = nodes - f
      // Around the threshold, where the verdict changes, and anywhere at random.
      for (const a of [threshold - 1, threshold, nodes]) {
        for (const b of [0, threshold - 1, threshold]) {
          for (const c of [threshold - 1, threshold, nodes]) triples.push([a, b, c])
        }
      }
      for (let i = 0; i < 300; i++) {
        triples.push([rng.nextU32() % (nodes + 1), rng.nextU32() % (nodes + 1), rng.nextU32() % (nodes + 1)])
      }
      for (const pass of [0, 1]) {
        for (const [npp, np, nc] of triples) {
          expect(cache.code(npp, np, nc), `N=${nodes} (${npp}, ${np}, ${nc}) pass ${pass}`).toBe(
            expectedCode(nodes, f, npp, np, nc),
          )
        }
      }
    }
  })
})

describe('shared verdict memos', () => {
  it('keeps one memo per (N, f), whatever p: a sweep row of 100 p values makes one table', () => {
    const before = keptVerdictTables()
    const paths = Array.from({ length: 100 }, (_, i) => new FastPath(112, 37, (i + 1) / 100))
    const after = keptVerdictTables()
    expect(paths).toHaveLength(100)
    expect(after.count - before.count).toBeLessThanOrEqual(1)
    expect(after.bytes - before.bytes).toBeLessThanOrEqual(113 ** 3)
  })

  it('answers the same through two caches of one (N, f), whichever filled the memo', () => {
    const first = new VerdictCache(9, 2)
    const second = new VerdictCache(9, 2)
    for (let npp = 0; npp <= 9; npp++) {
      for (let nc = 0; nc <= 9; nc++) {
        expect(second.code(npp, 8, nc)).toBe(expectedCode(9, 2, npp, 8, nc))
        expect(first.code(npp, 8, nc)).toBe(expectedCode(9, 2, npp, 8, nc))
      }
    }
  })

  it('keeps at most 16 MiB of memos, dropping the least recently used', () => {
    for (let nodes = 100; nodes <= 160; nodes++) new VerdictCache(nodes, Math.floor((nodes - 1) / 3)).code(nodes, nodes, nodes)
    expect(keptVerdictTables().bytes).toBeLessThanOrEqual(16 * 1024 * 1024)
    // The newest survives, and still answers.
    expect(new VerdictCache(160, 53).code(107, 107, 107)).toBe(0)
  })
})

describe('failurePhaseOf', () => {
  it('maps 0 to success and 1 + i to PHASES[i]', () => {
    expect(failurePhaseOf(0)).toBeNull()
    expect([1, 2, 3].map(failurePhaseOf)).toEqual(['pre-prepare', 'prepare', 'commit'])
  })

  it('gives null for codes no verdict produces', () => {
    for (const code of [4, 5, -1, 1.5]) expect(failurePhaseOf(code)).toBeNull()
  })

  it('inverts the cache’s codes back to judgeRound’s failing phase', () => {
    const cache = new VerdictCache(10, 3)
    for (let npp = 0; npp <= 10; npp++) {
      for (let np = 0; np <= 10; np++) {
        for (let nc = 0; nc <= 10; nc++) {
          const phase = judgeRound(10, 3, npp, np, nc).failure?.phase ?? null
          expect(failurePhaseOf(cache.code(npp, np, nc))).toBe(phase)
        }
      }
    }
  })
})
