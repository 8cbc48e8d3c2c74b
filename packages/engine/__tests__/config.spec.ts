import { describe, expect, it } from 'vitest'
import { ConfigError, normalizeRound } from '../src/config'

describe('normalizeRound', () => {
  it('fills in the defaults of the all-honest model', () => {
    const round = normalizeRound({ nodes: 4, p: 0.9 })
    expect(round).toMatchObject({ nodes: 4, f: 1, p: 0.9, byzantineCount: 0, authentication: true, proposal: 'v' })
    expect(round.faults).toEqual(['honest', 'honest', 'honest', 'honest'])
    expect([...round.linkProb]).toEqual(new Array(16).fill(0.9))
  })

  it('accepts faults as a sparse map and a link matrix instead of p', () => {
    const links = [[0, 1], [0.5, 0]]
    const round = normalizeRound({ nodes: 2, links, faults: { 1: 'silent' } })
    expect(round.p).toBeNull()
    expect([...round.linkProb]).toEqual([0, 1, 0.5, 0])
    expect(round.faults).toEqual(['honest', 'silent'])
    expect(round.byzantineCount).toBe(1)
  })

  it.each([
    [{ nodes: 0 }, /nodes/],
    [{ nodes: 2.5 }, /nodes/],
    [{ nodes: 4, p: 1.5 }, /p must be a probability/],
    [{ nodes: 4, p: Number.NaN }, /p must be a probability/],
    [{ nodes: 4, f: 4 }, /f must be/],
    [{ nodes: 2, links: [[1, 1]] }, /2×2/],
    [{ nodes: 2, links: [[1, 1], [1, 2]] }, /links\[1\]\[1\]/],
    [{ nodes: 3, faults: ['honest'] }, /list 3 replicas/],
    [{ nodes: 3, faults: { 5: 'silent' } }, /unknown replica 5/],
    [{ nodes: 3, faults: { 1: 'sneaky' } }, /unknown fault kind/],
  ])('refuses %j with a clear message', (config, message) => {
    expect(() => normalizeRound(config as never)).toThrow(ConfigError)
    expect(() => normalizeRound(config as never)).toThrow(message)
  })
})
