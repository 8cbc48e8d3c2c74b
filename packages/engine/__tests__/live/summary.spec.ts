import { describe, expect, it } from 'vitest'
import { normalizeRound, type NormalizedRound, type RoundConfig } from '../../src/config'
import { roundResult, roundSets } from '../../src/live/summary'
import type { MessageCounts, Phase } from '../../src/outcome'
import { Authenticator } from '../../src/round/authenticator'
import { Replica, type ReplicaSnapshot } from '../../src/round/replica'
import type { TracedMessage } from '../../src/round/runRound'

interface Round {
  round: NormalizedRound
  replicas: Replica[]
  /** Delivers one authentic message straight to its recipient. */
  send: (phase: Phase, from: number, to: number, value?: string) => void
}

function makeRound(config: RoundConfig): Round {
  const round = normalizeRound(config)
  const { nodes, f, view, sequence, proposal, authentication } = round
  const authenticator = new Authenticator('summary-spec')
  const replicas = round.faults.map(
    (fault, id) => new Replica({ id, nodes, f, view, sequence, fault, proposal, authenticator, authentication }),
  )
  const send = (phase: Phase, from: number, to: number, value = proposal): void => {
    const outcome = replicas[to]?.receive(authenticator.sign({ phase, view, sequence, value, from, to }))
    if (outcome === undefined) throw new RangeError(`no replica ${to}`)
  }
  return { round, replicas, send }
}

/** Makes replica `id` accept `value`, then prepare and commit it on the messages of `others`. */
function decide(send: Round['send'], id: number, value: string, others: number[]): void {
  if (id !== 0) send('pre-prepare', 0, id, value)
  for (const from of others) send('prepare', from, id, value)
  for (const from of others) send('commit', from, id, value)
}

/** A Byzantine replica whose state claims everything: only the honest filter keeps it out. */
function byzantineClaimingAll(id: number): Replica {
  const snapshot = { id, fault: 'wrong-value' } as ReplicaSnapshot
  const fake = {
    id,
    isHonest: false,
    acceptedValue: 'evil',
    prepared: true,
    committed: true,
    decidedValue: 'evil',
    snapshot: () => snapshot,
  }
  return fake as unknown as Replica
}

const COUNTS: MessageCounts = { sent: 12, delivered: 10, dropped: 2, rejected: 1 }

describe('roundSets', () => {
  it('counts honest replicas that accepted, prepared and committed', () => {
    const { replicas, send } = makeRound({ nodes: 4 })
    // An honest primary has accepted its proposal from the start.
    expect(roundSets(replicas)).toEqual({ prePrepared: 1, prepared: 0, committed: 0 })
    send('pre-prepare', 0, 1)
    send('pre-prepare', 0, 2)
    expect(roundSets(replicas)).toEqual({ prePrepared: 3, prepared: 0, committed: 0 })
    send('prepare', 2, 1)
    send('prepare', 3, 1)
    expect(roundSets(replicas)).toEqual({ prePrepared: 3, prepared: 1, committed: 0 })
    send('commit', 0, 1)
    send('commit', 2, 1)
    expect(roundSets(replicas)).toEqual({ prePrepared: 3, prepared: 1, committed: 1 })
  })

  it('leaves Byzantine replicas out, whatever their state says', () => {
    const { replicas, send } = makeRound({ nodes: 4, faults: { 3: 'wrong-value' } })
    decide(send, 1, 'v', [0, 2])
    const withLiar = [...replicas.slice(0, 3), byzantineClaimingAll(3)]
    expect(roundSets(withLiar)).toEqual({ prePrepared: 2, prepared: 1, committed: 1 })
    expect(roundSets([byzantineClaimingAll(0), byzantineClaimingAll(1)])).toEqual({
      prePrepared: 0,
      prepared: 0,
      committed: 0,
    })
    expect(roundSets([])).toEqual({ prePrepared: 0, prepared: 0, committed: 0 })
  })
})

describe('roundResult', () => {
  it('reports a success when N - f honest replicas committed the same value', () => {
    const { round, replicas, send } = makeRound({ nodes: 4 })
    decide(send, 0, 'v', [1, 2])
    decide(send, 1, 'v', [0, 2])
    decide(send, 2, 'v', [0, 1])
    const result = roundResult(round, 17, replicas, COUNTS, undefined)
    expect(result).toMatchObject({
      nodes: 4,
      f: 1,
      seed: 17,
      success: true,
      failure: null,
      decidedValue: 'v',
      decidedValues: ['v'],
      sets: { prePrepared: 3, prepared: 3, committed: 3 },
      safetyViolation: false,
      messages: COUNTS,
    })
    expect(result.replicas).toEqual(replicas.map((replica) => replica.snapshot()))
    expect(result.replicas.map((snapshot) => snapshot.decidedValue)).toEqual(['v', 'v', 'v', null])
  })

  it('names the first phase that fell short, as judgeRound words it', () => {
    const silent = makeRound({ nodes: 4 })
    expect(roundResult(silent.round, 1, silent.replicas, COUNTS, undefined)).toMatchObject({
      success: false,
      failure: { phase: 'pre-prepare', reason: 'pre-prepare: Npp=1 < N-f=3' },
      decidedValue: null,
      decidedValues: [],
      safetyViolation: false,
    })

    const { round, replicas, send } = makeRound({ nodes: 4 })
    decide(send, 1, 'v', [0, 2])
    send('pre-prepare', 0, 2)
    // Three accepted, one prepared and committed: the prepare set is the first short one.
    const result = roundResult(round, 1, replicas, COUNTS, undefined)
    expect(result.failure).toEqual({ phase: 'prepare', reason: 'prepare: Np=1 < N-f=3' })
    // One honest decision is still reported, though the round failed.
    expect(result.decidedValue).toBe('v')
    expect(result.decidedValues).toEqual(['v'])
  })

  it('flags two different honest decisions as a safety violation, values by lowest deciding id', () => {
    const { round, replicas, send } = makeRound({ nodes: 5, f: 1 })
    decide(send, 3, 'pear', [0, 4])
    decide(send, 1, 'apple', [0, 2])
    decide(send, 2, 'apple', [0, 1])
    const result = roundResult(round, 5, replicas, COUNTS, undefined)
    expect(result.decidedValues).toEqual(['apple', 'pear'])
    expect(result.decidedValue).toBeNull()
    expect(result.safetyViolation).toBe(true)
    expect(result.sets.committed).toBe(3)
  })

  it('ignores values Byzantine replicas claim to have decided', () => {
    const { round, replicas, send } = makeRound({ nodes: 4, faults: { 3: 'wrong-value' } })
    decide(send, 1, 'v', [0, 2])
    const result = roundResult(round, 2, [...replicas.slice(0, 3), byzantineClaimingAll(3)], COUNTS, undefined)
    expect(result.decidedValues).toEqual(['v'])
    expect(result.safetyViolation).toBe(false)
    expect(result.sets.committed).toBe(1)
  })

  it('copies the counts and the trace, and leaves the trace out when there is none', () => {
    const { round, replicas } = makeRound({ nodes: 4 })
    const counts = { ...COUNTS }
    const trace: TracedMessage[] = []
    const result = roundResult(round, 3, replicas, counts, trace)
    counts.sent = 999
    trace.push({} as TracedMessage)
    expect(result.messages).toEqual(COUNTS)
    expect(result.trace).toEqual([])

    const untraced = roundResult(round, 3, replicas, COUNTS, undefined)
    expect('trace' in untraced).toBe(false)
    // Plain data, as the server sends it.
    expect(JSON.parse(JSON.stringify(untraced))).toEqual(untraced)
  })
})
