import { describe, expect, it } from 'vitest'
import { QUORUM_RULES, type QuorumRule } from '../../src/quorum'
import { complement, exactClientAccept, exactReliability, type Scaled } from '../../src/theory/exactRational'
import type { Extended } from '../../src/theory/extended'
import { ReliabilityModel } from '../../src/theory/reliabilityModel'
import { relativeError, tolerance } from './exactRelative'

/**
 * The floating-point evaluation against the exact rational one, by relative error, values far
 * below the smallest double included. Probabilities are dyadic (a / 2^k), so the float sees
 * exactly the p the rationals do and only the algorithm's own error is measured.
 */
const DYADIC: [bigint, bigint][] = [
  [1n, 1024n],
  [1n, 16n],
  [1n, 4n],
  [3n, 8n],
  [1n, 2n],
  [11n, 16n],
  [13n, 16n],
  [7n, 8n],
  [15n, 16n],
  [63n, 64n],
  [1023n, 1024n],
]

function model(nodes: number, a: bigint, b: bigint, quorumRule: QuorumRule, silentBackups = 0): ReliabilityModel {
  const f = Math.floor((nodes - 1) / 3)
  return new ReliabilityModel(nodes, Number(a) / Number(b), Number(b - a) / Number(b), { f, quorumRule, silentBackups })
}

function expectClose(value: Extended, exact: Scaled, base: bigint, what: string): void {
  const error = relativeError(value, exact, base)
  const allowed = tolerance(exact, base)
  if (!(error <= allowed)) expect.fail(`${what}: relative error ${error} > ${allowed}`)
}

describe.each(QUORUM_RULES)('the float theory against exact rationals, %s rule', (rule) => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 16, 22, 31])('metric A and the three parts of 1 - P at N = %i', (nodes) => {
    for (const [a, b] of DYADIC) {
      for (const silent of nodes > 1 ? [0, 1] : [0]) {
        const exact = exactReliability(nodes, a, b, { quorumRule: rule, silentBackups: silent })
        const float = model(nodes, a, b, rule, silent)
        const where = `N=${nodes} p=${a}/${b} silent=${silent}`
        expectClose(float.success(), exact.success, b, `${where} success`)
        const parts = float.failures()
        expectClose(parts.prePrepare, exact.failures.prePrepare, b, `${where} pre-prepare`)
        expectClose(parts.prepare, exact.failures.prepare, b, `${where} prepare`)
        expectClose(parts.commit, exact.failures.commit, b, `${where} commit`)
      }
    }
  })

  it.each([40, 52])('metric A far below the smallest double at N = %i', (nodes) => {
    for (const [a, b] of [[1n, 1024n], [1n, 4n], [1n, 2n], [15n, 16n]] as const) {
      const exact = exactReliability(nodes, a, b, { quorumRule: rule })
      expectClose(model(nodes, a, b, rule).success(), exact.success, b, `N=${nodes} p=${a}/${b}`)
    }
  })

  it.each([4, 5, 7, 10, 13])("the client's view and its complement at N = %i", (nodes) => {
    for (const [a, b] of DYADIC) {
      const exact = exactClientAccept(nodes, a, b, { quorumRule: rule })
      const float = model(nodes, a, b, rule)
      expectClose(float.clientAccept(), exact, b, `N=${nodes} p=${a}/${b} accept`)
      expectClose(float.clientFailure(), complement(exact, b), b, `N=${nodes} p=${a}/${b} failure`)
    }
  })
})

describe('the relative-error check', () => {
  it('would catch an error of one part in 10^12, even at 10^-300', () => {
    const exact = exactReliability(13, 1n, 1024n).success
    const value = model(13, 1n, 1024n, 'original').success()
    expect(relativeError(value, exact, 1024n)).toBeLessThan(1e-14)
    expect(relativeError({ m: value.m * (1 + 1e-12), k: value.k }, exact, 1024n)).toBeGreaterThan(9e-13)
  })
})
