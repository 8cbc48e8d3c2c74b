import { describe, expect, it } from 'vitest'
import { PHASES } from '../../src/outcome'
import { Rng } from '../../src/rng'
import { addTally, emptyTally, mergeTallies, type SimulationTally } from '../../src/simulation/tally'

function tally(fields: Partial<SimulationTally>): SimulationTally {
  return { ...emptyTally(), ...fields }
}

/**
 * A tally with arbitrary integer counts below 2^47, so that 40 of them stay below 2^53 while
 * still using every bit of a double's mantissa.
 */
function randomTally(rng: Rng): SimulationTally {
  const big = (): number => rng.nextU32() * 2 ** 15 + (rng.nextU32() & 0x7fff)
  return {
    rounds: big(),
    successes: big(),
    failures: PHASES.map(big),
    safetyViolations: rng.nextU32(),
    sent: big(),
    delivered: big(),
    rejected: rng.nextU32(),
    undrawnSent: big(),
    clientAccepts: big(),
    viewsUsed: big(),
  }
}

describe('emptyTally', () => {
  it('is all zeros with one failure count per phase, and fresh every time', () => {
    const first = emptyTally()
    expect(first).toEqual({
      rounds: 0,
      successes: 0,
      failures: [0, 0, 0],
      safetyViolations: 0,
      sent: 0,
      delivered: 0,
      rejected: 0,
      undrawnSent: 0,
      clientAccepts: 0,
      viewsUsed: 0,
    })
    expect(first.failures).toHaveLength(PHASES.length)
    first.rounds = 5
    first.failures[1] = 3
    expect(emptyTally()).toEqual(tally({}))
    expect(emptyTally().failures).toEqual([0, 0, 0])
  })
})

describe('addTally', () => {
  it('adds every field, failures phase by phase, into its first argument and returns it', () => {
    const into = tally({ rounds: 10, successes: 6, failures: [1, 2, 1], safetyViolations: 1, sent: 100, delivered: 90, rejected: 3, undrawnSent: 40, clientAccepts: 5, viewsUsed: 12 })
    const from = tally({ rounds: 5, successes: 2, failures: [0, 3, 0], safetyViolations: 2, sent: 50, delivered: 41, rejected: 4, undrawnSent: 7, clientAccepts: 1, viewsUsed: 9 })
    const returned = addTally(into, from)
    expect(returned).toBe(into)
    expect(into).toEqual({
      rounds: 15,
      successes: 8,
      failures: [1, 5, 1],
      safetyViolations: 3,
      sent: 150,
      delivered: 131,
      rejected: 7,
      undrawnSent: 47,
      clientAccepts: 6,
      viewsUsed: 21,
    })
    // `from` is left as it was.
    expect(from).toEqual(
      tally({ rounds: 5, successes: 2, failures: [0, 3, 0], safetyViolations: 2, sent: 50, delivered: 41, rejected: 4, undrawnSent: 7, clientAccepts: 1, viewsUsed: 9 }),
    )
  })

  it('never aliases the failures array of the tally it adds', () => {
    const into = emptyTally()
    const from = tally({ failures: [1, 1, 1] })
    addTally(into, from)
    into.failures[0] = 100
    expect(from.failures).toEqual([1, 1, 1])
  })

  it('treats missing failure entries as zero', () => {
    const into = tally({ failures: [1, 1, 1] })
    addTally(into, tally({ failures: [2] }))
    expect(into.failures).toEqual([3, 1, 1])
  })
})

describe('mergeTallies', () => {
  it('sums any iterable into a fresh tally, and gives the empty tally for none', () => {
    const parts = [tally({ rounds: 1, successes: 1 }), tally({ rounds: 2, failures: [0, 2, 0] })]
    const total = mergeTallies(parts)
    expect(total).toEqual(tally({ rounds: 3, successes: 1, failures: [0, 2, 0] }))
    expect(parts[0]).toEqual(tally({ rounds: 1, successes: 1 }))
    function* generate(): Generator<SimulationTally> {
      yield* parts
    }
    expect(mergeTallies(generate())).toEqual(total)
    expect(mergeTallies([])).toEqual(emptyTally())
    const single = parts[0] as SimulationTally
    const copy = mergeTallies([single])
    expect(copy).toEqual(single)
    expect(copy).not.toBe(single)
  })

  it('is exact and order-independent for integer counts up to 2^53 (what makes threads safe)', () => {
    const rng = new Rng(31)
    const parts = Array.from({ length: 40 }, () => randomTally(rng))
    const forward = mergeTallies(parts)
    expect(mergeTallies([...parts].reverse())).toEqual(forward)
    const halves = [mergeTallies(parts.slice(0, 13)), mergeTallies(parts.slice(13))]
    expect(mergeTallies(halves)).toEqual(forward)
    // Every total is still an exact integer: compare against BigInt sums.
    const exact = (pick: (t: SimulationTally) => number): number =>
      Number(parts.reduce((sum, t) => sum + BigInt(pick(t)), 0n))
    expect(forward.rounds).toBe(exact((t) => t.rounds))
    expect(forward.sent).toBe(exact((t) => t.sent))
    expect(forward.failures[2]).toBe(exact((t) => t.failures[2] ?? 0))
    expect(Number.isSafeInteger(forward.sent)).toBe(true)
  })
})
