import { describe, expect, it } from 'vitest'
import { normalizeRound, type RoundConfig } from '../../src/config'
import { Delivery } from '../../src/live/delivery'
import type { Phase } from '../../src/outcome'
import { deliveryThreshold, Rng } from '../../src/rng'
import { Authenticator } from '../../src/round/authenticator'
import type { Message } from '../../src/round/message'
import { Network } from '../../src/round/network'
import { Replica } from '../../src/round/replica'

interface Setup {
  delivery: Delivery
  replicas: Replica[]
  network: Network
  message: (phase: Phase, from: number, to: number, value?: string) => Message
}

/** A Delivery over real replicas and a real network, as LiveRound builds it. */
function setup(config: RoundConfig, seed = 1, keepTrace = true): Setup {
  const round = normalizeRound(config)
  const { nodes, f, view, sequence, proposal, authentication } = round
  const authenticator = new Authenticator('delivery-spec')
  const network = new Network(round, new Rng(seed), authenticator)
  const replicas = round.faults.map(
    (fault, id) => new Replica({ id, nodes, f, view, sequence, fault, proposal, authenticator, authentication }),
  )
  const message = (phase: Phase, from: number, to: number, value = proposal): Message =>
    authenticator.sign({ phase, view, sequence, value, from, to })
  const participant = (id: number): Replica => {
    const replica = replicas[id]
    if (replica === undefined) throw new RangeError(`no replica ${id}`)
    return replica
  }
  return { delivery: new Delivery(network, participant, nodes, keepTrace), replicas, network, message }
}

describe('Delivery', () => {
  it('hands a delivered message to its recipient at once and traces it as counted', () => {
    const { delivery, replicas, message } = setup({ nodes: 4 })
    const sent = message('pre-prepare', 0, 2)
    const traced = delivery.deliver(sent)
    expect(traced).toEqual({
      index: 0,
      phase: 'pre-prepare',
      from: 0,
      to: 2,
      view: 0,
      value: 'v',
      deliveredValue: 'v',
      digest: sent.digest,
      mac: sent.mac,
      status: 'delivered',
      counted: true,
      ignoredReason: null,
    })
    expect(replicas[2]?.acceptedValue).toBe('v')
    expect(replicas[1]?.acceptedValue).toBeNull()
    expect(delivery.counts).toEqual({ sent: 1, delivered: 1, dropped: 0, rejected: 0 })
    expect(delivery.trace).toEqual([traced])
  })

  it('traces a delivered message the recipient set aside as not counted, with the reason', () => {
    const { delivery, message } = setup({ nodes: 4 })
    delivery.deliver(message('pre-prepare', 0, 1))
    const second = delivery.deliver(message('pre-prepare', 0, 1, 'other'))
    expect(second).toMatchObject({ status: 'delivered', counted: false, ignoredReason: 'second-pre-prepare' })
    // Replica 2 never accepted a value, so a PREPARE does not reach its count.
    const early = delivery.deliver(message('prepare', 1, 2))
    expect(early).toMatchObject({ status: 'delivered', counted: false, ignoredReason: 'not-in-round', index: 2 })
    expect(delivery.counts).toEqual({ sent: 3, delivered: 3, dropped: 0, rejected: 0 })
  })

  it('counts a dropped message without the recipient ever seeing it', () => {
    const { delivery, replicas, message } = setup({ nodes: 4, p: 0 })
    const traced = delivery.deliver(message('pre-prepare', 0, 3))
    expect(traced).toMatchObject({ status: 'dropped', deliveredValue: null, counted: false, ignoredReason: null })
    expect(replicas[3]?.snapshot().received).toMatchObject({ prePrepare: 0, prepare: 0, commit: 0 })
    expect(replicas[3]?.acceptedValue).toBeNull()
    expect(delivery.counts).toEqual({ sent: 1, delivered: 0, dropped: 1, rejected: 0 })
  })

  it('counts a message that fails authentication as delivered and rejected', () => {
    const { delivery, replicas, message } = setup({ nodes: 4, faults: { 0: 'tamper' } })
    const traced = delivery.deliver(message('pre-prepare', 0, 1))
    expect(traced).toMatchObject({ value: 'v', deliveredValue: 'v*', status: 'rejected', counted: false, ignoredReason: null })
    expect(replicas[1]?.acceptedValue).toBeNull()
    expect(replicas[1]?.snapshot().rejected.prePrepare).toBe(1)
    expect(delivery.counts).toEqual({ sent: 1, delivered: 1, dropped: 0, rejected: 1 })
  })

  it('lets `tamper` override the sender’s fault kind for one message', () => {
    const honest = setup({ nodes: 4 })
    expect(honest.delivery.deliver(honest.message('pre-prepare', 0, 1), true)).toMatchObject({
      status: 'rejected',
      deliveredValue: 'v*',
    })
    expect(honest.delivery.deliver(honest.message('pre-prepare', 0, 2))).toMatchObject({ status: 'delivered' })

    const tamperer = setup({ nodes: 4, faults: { 0: 'tamper' } })
    expect(tamperer.delivery.deliver(tamperer.message('pre-prepare', 0, 1), false)).toMatchObject({
      status: 'delivered',
      deliveredValue: 'v',
      counted: true,
    })
    expect(tamperer.delivery.deliver(tamperer.message('pre-prepare', 0, 2), undefined).status).toBe('rejected')
  })

  it('without authentication a tampered message is delivered and taken at face value', () => {
    const { delivery, replicas, message } = setup({ nodes: 4, authentication: false, faults: { 0: 'tamper' } })
    expect(delivery.deliver(message('pre-prepare', 0, 1))).toMatchObject({ status: 'delivered', counted: true })
    expect(replicas[1]?.acceptedValue).toBe('v*')
    expect(delivery.counts.rejected).toBe(0)
  })

  it('draws exactly one link outcome per message, in send order', () => {
    const seed = 99
    const { delivery, message } = setup({ nodes: 5, p: 0.5 }, seed)
    const reference = new Rng(seed)
    const threshold = deliveryThreshold(0.5)
    const statuses: string[] = []
    const expected: string[] = []
    for (let i = 0; i < 200; i++) {
      const from = i % 5
      const to = (from + 1 + (i % 4)) % 5
      statuses.push(delivery.deliver(message('commit', from, to)).status)
      expected.push(reference.nextU32() < threshold ? 'delivered' : 'dropped')
    }
    expect(statuses).toEqual(expected)
    expect(new Set(statuses)).toEqual(new Set(['delivered', 'dropped']))
    const { sent, delivered, dropped } = delivery.counts
    expect([sent, delivered, dropped]).toEqual([
      200,
      expected.filter((s) => s === 'delivered').length,
      expected.filter((s) => s === 'dropped').length,
    ])
  })

  it('numbers messages in send order and keeps no trace when asked not to', () => {
    const { delivery, message } = setup({ nodes: 4, p: 0.5 }, 3, false)
    expect(delivery.trace).toBeUndefined()
    const indexes = [1, 2, 3, 1, 2].map((to) => delivery.deliver(message('pre-prepare', 0, to)).index)
    expect(indexes).toEqual([0, 1, 2, 3, 4])
    expect(delivery.trace).toBeUndefined()
    expect(delivery.counts.sent).toBe(5)
  })

  it('throws a RangeError for a delivered message to a replica that does not exist', () => {
    const { delivery, message } = setup({ nodes: 2, links: [[1, 1], [1, 1]] })
    // From 0 to 2 reads the link 0 * 2 + 2, i.e. 1 -> 0, which delivers: the recipient must not exist.
    expect(() => delivery.deliver(message('pre-prepare', 0, 2))).toThrow(RangeError)
    expect(() => delivery.deliver(message('pre-prepare', 0, 2))).toThrow('no replica 2')
  })
})
