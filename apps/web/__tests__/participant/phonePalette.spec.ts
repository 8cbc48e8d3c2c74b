import { describe, expect, it } from 'vitest'
import { listIsLong, tallyMessages } from '../../src/session/messageSummary'
import { phonePalette, proposalOf } from '../../src/session/phonePalette'
import { splitValues } from '../../src/session/sentence'
import { replicaView } from './fakeSocket'

describe('the values on a phone', () => {
  it('finds the proposal: told to Byzantine seats, from the session, from a derived value, from the primary', () => {
    const byzantine = { kind: 'equivocate' as const, proposal: 'tea', conflictingValue: 'tea′', defaultValues: {}, canTamper: false }
    expect(proposalOf(replicaView({ byzantine }), 'other')).toBe('tea')
    expect(proposalOf(replicaView(), 'the session’s')).toBe('the session’s')
    // The fake view received "evil" (rejected) and "the proposal": the primary's pre-prepare names it.
    expect(proposalOf(replicaView())).toBe('the proposal')
    const derived = replicaView({ received: [{ index: 0, phase: 'pre-prepare', from: 0, value: 'tea′', status: 'delivered', counted: true, ignoredReason: null }] })
    expect(proposalOf(derived)).toBe('tea')
    expect(proposalOf(replicaView({ received: [], sent: [], snapshot: null, outcome: null }))).toBeNull()
  })

  it('letters the values in the order the round produced them: A the proposal, B the conflicting one, X a forged one', () => {
    const view = replicaView({
      received: [
        { index: 4, phase: 'prepare', from: 3, value: 'green', status: 'delivered', counted: false, ignoredReason: 'value-mismatch' },
        { index: 0, phase: 'pre-prepare', from: 0, value: 'tea', status: 'delivered', counted: true, ignoredReason: null },
        { index: 2, phase: 'prepare', from: 1, value: 'red', status: 'delivered', counted: false, ignoredReason: 'value-mismatch' },
        { index: 5, phase: 'prepare', from: 1, value: 'tea*', status: 'rejected', counted: false, ignoredReason: null },
      ],
      sent: [{ index: 3, phase: 'prepare', to: 1, value: 'tea′' }],
    })
    const palette = phonePalette(view, 'tea')
    expect(['tea', 'tea′', 'tea*', 'red', 'green'].map((value) => palette.styleOf(value).letter)).toEqual(['A', 'B', 'X', 'C', 'D'])
  })
})

describe('a big class’s messages', () => {
  it('are counted per step: received, counted, rejected, sent', () => {
    expect(tallyMessages(replicaView())).toEqual([
      { phase: 'pre-prepare', received: 1, counted: 1, rejected: 0, sent: 0 },
      { phase: 'prepare', received: 2, counted: 1, rejected: 1, sent: 0 },
    ])
  })

  it('fold past 20 messages', () => {
    expect(listIsLong(20)).toBe(false)
    expect(listIsLong(21)).toBe(true)
  })
})

describe('sentences with values', () => {
  it('split at their value placeholders, in order', () => {
    expect(splitValues('Round 3 decided {value}.', ['tea'])).toEqual([{ text: 'Round 3 decided ' }, { value: 'tea' }, { text: '.' }])
    expect(splitValues('{value} and {value2}', ['a', 'b'])).toEqual([{ value: 'a' }, { text: ' and ' }, { value: 'b' }])
    // A missing value stays visible, so that it gets noticed.
    expect(splitValues('x {value2}', ['a'])).toEqual([{ text: 'x ' }, { text: '{value2}' }])
  })
})
