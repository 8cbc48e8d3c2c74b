import { describe, expect, it } from 'vitest'
import { normalizeRound, type RoundConfig } from '../../src/config'
import { deliveryThreshold, Rng } from '../../src/rng'
import { Authenticator } from '../../src/round/authenticator'
import type { Message } from '../../src/round/message'
import { Network } from '../../src/round/network'

const auth = new Authenticator('network tests')

function network(config: RoundConfig, seed = 7): Network {
  return new Network(normalizeRound(config), new Rng(seed), auth)
}

function prepare(from: number, to: number, value = 'v'): Message {
  return auth.sign({ phase: 'prepare', view: 0, sequence: 1, value, from, to })
}

describe('Network', () => {
  it('delivers iff the draw for the message is below its link threshold, one draw per message', () => {
    const links = [
      [0, 0.9, 0.5, 0.1],
      [0.2, 0, 0.7, 0.3],
      [1, 0.4, 0, 0.6],
      [0.8, 0, 0.35, 0],
    ]
    const net = network({ nodes: 4, links }, 11)
    const draws = new Rng(11)
    for (let i = 0; i < 2000; i++) {
      const from = i % 4
      const to = (from + 1 + (i % 3)) % 4
      const row = links[from] ?? []
      const expected = draws.nextU32() < deliveryThreshold(row[to] ?? 0)
      expect(net.transmit(prepare(from, to)) !== null).toBe(expected)
    }
  })

  it('reads the matrix as links[from][to]', () => {
    const net = network({ nodes: 2, links: [[0, 1], [0, 0]] })
    expect(net.transmit(prepare(0, 1))).not.toBeNull()
    expect(net.transmit(prepare(1, 0))).toBeNull()
  })

  it('delivers honest messages unchanged', () => {
    const sent = prepare(1, 2)
    expect(network({ nodes: 4 }).transmit(sent)).toBe(sent)
  })

  it("alters a tamperer's messages after they were signed, so authentication fails", () => {
    const sent = prepare(1, 2)
    const arrived = network({ nodes: 4, faults: { 1: 'tamper' }, proposal: 'x' }).transmit(sent)
    expect(arrived).toMatchObject({ value: 'x*', from: 1, to: 2, mac: sent.mac })
    // The tamperer even recomputes the digest; the MAC still gives it away.
    expect(arrived?.digest).toBe(auth.digest('x*'))
    expect(auth.verify(sent)).toBe(true)
    expect(arrived && auth.verify(arrived)).toBe(false)
  })

  it('drops everything at p = 0, tampered or not', () => {
    const net = network({ nodes: 4, p: 0, faults: { 1: 'tamper' } })
    expect(net.transmit(prepare(1, 2))).toBeNull()
    expect(net.transmit(prepare(2, 1))).toBeNull()
  })
})
