import { describe, expect, it } from 'vitest'
import { checkChoice, chosenValue, deviates, MAX_VALUE_LENGTH, type ByzantineChoice } from '../../src/live/choice'
import { LiveRoundError } from '../../src/live/errors'

/** A choice as it may arrive from a phone: JSON, so any shape at all. */
function untyped(choice: unknown): ByzantineChoice {
  return choice as ByzantineChoice
}

function expectBadValue(choice: ByzantineChoice, message?: RegExp): void {
  try {
    checkChoice(choice)
  } catch (error) {
    expect(error).toBeInstanceOf(LiveRoundError)
    expect((error as LiveRoundError).code).toBe('bad-value')
    if (message) expect((error as LiveRoundError).message).toMatch(message)
    return
  }
  expect.unreachable(`expected bad-value for ${JSON.stringify(choice)}`)
}

describe('deviates', () => {
  it('is false for what an honest replica may ask: nothing, or tamper: false', () => {
    expect(deviates({})).toBe(false)
    expect(deviates({ tamper: false })).toBe(false)
    expect(deviates({ value: undefined, values: undefined, tamper: undefined })).toBe(false)
  })

  it('is true as soon as the choice sets a value, per-recipient values or tampering', () => {
    expect(deviates({ value: 'x' })).toBe(true)
    expect(deviates({ values: { 1: 'x' } })).toBe(true)
    expect(deviates({ tamper: true })).toBe(true)
    expect(deviates({ value: 'x', tamper: false })).toBe(true)
  })
})

describe('checkChoice', () => {
  it('accepts values of 1 to MAX_VALUE_LENGTH characters, and booleans for tamper', () => {
    expect(MAX_VALUE_LENGTH).toBe(64)
    const valid: ByzantineChoice[] = [
      {},
      { value: 'x' },
      { value: 'x'.repeat(MAX_VALUE_LENGTH) },
      { values: {} },
      { values: { 0: 'a', 3: 'b'.repeat(MAX_VALUE_LENGTH) } },
      { tamper: true },
      { tamper: false },
      { value: 'v′', values: { 2: 'v*' }, tamper: true },
    ]
    for (const choice of valid) {
      expect(() => checkChoice(choice), JSON.stringify(choice)).not.toThrow()
    }
  })

  it('refuses empty and over-long values, wherever they are', () => {
    expectBadValue({ value: '' }, /1 to 64 characters/)
    expectBadValue({ value: 'x'.repeat(MAX_VALUE_LENGTH + 1) }, /1 to 64 characters/)
    expectBadValue({ values: { 1: 'ok', 2: '' } })
    expectBadValue({ values: { 1: 'x'.repeat(MAX_VALUE_LENGTH + 1) } })
    // A valid `value` does not excuse a bad per-recipient one.
    expectBadValue({ value: 'ok', values: { 3: '' } })
  })

  it('checks the types at run time, since choices arrive as JSON', () => {
    expectBadValue(untyped({ value: 7 }))
    expectBadValue(untyped({ value: null }))
    expectBadValue(untyped({ value: ['a'] }))
    expectBadValue(untyped({ values: null }), /values must map recipient ids to values/)
    expectBadValue(untyped({ values: 'apple' }), /values must map/)
    expectBadValue(untyped({ values: { 1: 42 } }))
    expectBadValue(untyped({ values: { 1: { nested: 'x' } } }))
    expectBadValue(untyped({ tamper: 'yes' }), /tamper must be true or false/)
    expectBadValue(untyped({ tamper: 1 }))
    expectBadValue(untyped({ tamper: null }))
  })
})

describe('chosenValue', () => {
  it('prefers the recipient’s own value, then the common value, then null (the kind decides)', () => {
    const choice: ByzantineChoice = { value: 'common', values: { 1: 'one', 3: 'three' } }
    expect([0, 1, 2, 3].map((to) => chosenValue(choice, to))).toEqual(['common', 'one', 'common', 'three'])
    expect(chosenValue({ values: { 1: 'one' } }, 1)).toBe('one')
    expect(chosenValue({ values: { 1: 'one' } }, 2)).toBeNull()
    expect(chosenValue({ value: 'all' }, 5)).toBe('all')
    expect(chosenValue({}, 0)).toBeNull()
    expect(chosenValue({ tamper: true }, 0)).toBeNull()
  })
})
