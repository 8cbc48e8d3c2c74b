import { describe, expect, it } from 'vitest'
import { CONFLICTING, PROPOSAL, TAMPERED, outgoingValue, sendsMessages, tamperedInTransit, valueLabel } from '../src/byzantine'

describe('Byzantine behaviours', () => {
  it('honest and tampering replicas send what an honest replica would', () => {
    expect(outgoingValue('honest', PROPOSAL, 3)).toBe(PROPOSAL)
    expect(outgoingValue('tamper', PROPOSAL, 3)).toBe(PROPOSAL)
    expect(tamperedInTransit('tamper')).toBe(true)
    expect(tamperedInTransit('honest')).toBe(false)
  })

  it('a wrong-value replica sends the conflicting value to everyone', () => {
    expect([1, 2, 3].map((t) => outgoingValue('wrong-value', PROPOSAL, t))).toEqual([CONFLICTING, CONFLICTING, CONFLICTING])
  })

  it('equivocators split targets by parity, the same split for all of them', () => {
    expect([0, 1, 2, 3].map((t) => outgoingValue('equivocate', PROPOSAL, t))).toEqual([PROPOSAL, CONFLICTING, PROPOSAL, CONFLICTING])
  })

  it('only silent replicas send nothing', () => {
    expect(sendsMessages('silent')).toBe(false)
    expect(sendsMessages('equivocate')).toBe(true)
  })

  it('labels values for people', () => {
    expect(([PROPOSAL, CONFLICTING, TAMPERED] as const).map((id) => valueLabel(id, 'v'))).toEqual(['v', 'v′', 'v*'])
  })
})
