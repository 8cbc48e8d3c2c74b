import { describe, expect, it } from 'vitest'
import type { ByzantineOptions } from '@pbft/protocol'
import { buildByzantineChoice, initialChoiceForm } from '../../src/components/participant/byzantineChoice'

const equivocate: ByzantineOptions = {
  kind: 'equivocate',
  proposal: 'the proposal',
  conflictingValue: 'the proposal′',
  defaultValues: { '1': 'the proposal', '2': 'the proposal′', '3': 'the proposal′' },
  canTamper: false,
}

describe('the Byzantine choice builder', () => {
  it('starts from the kind’s defaults and sends nothing special by default', () => {
    const form = initialChoiceForm(equivocate)
    expect(form).toEqual({ mode: 'default', value: 'the proposal′', values: equivocate.defaultValues, tamper: false })
    expect(buildByzantineChoice(form, equivocate, [1, 2, 3])).toEqual({ ok: true, choice: {} })
  })

  it('sends one value to everyone', () => {
    const form = { ...initialChoiceForm(equivocate), mode: 'same' as const, value: '  evil  ' }
    expect(buildByzantineChoice(form, equivocate, [1, 2, 3])).toEqual({ ok: true, choice: { value: 'evil' } })
  })

  it('equivocates: a value per recipient, defaults where untouched', () => {
    const form = initialChoiceForm(equivocate)
    form.mode = 'per-recipient'
    form.values = { '1': 'A' }
    expect(buildByzantineChoice(form, equivocate, [1, 2, 3])).toEqual({
      ok: true,
      choice: { values: { '1': 'A', '2': 'the proposal′', '3': 'the proposal′' } },
    })
  })

  it('refuses empty and too long values', () => {
    const same = { ...initialChoiceForm(equivocate), mode: 'same' as const, value: '  ' }
    expect(buildByzantineChoice(same, equivocate, [1])).toEqual({ ok: false, problem: 'empty', recipient: null })
    const long = { ...same, value: 'x'.repeat(65) }
    expect(buildByzantineChoice(long, equivocate, [1])).toEqual({ ok: false, problem: 'too-long', recipient: null })
    const per = { ...initialChoiceForm(equivocate), mode: 'per-recipient' as const, values: { '1': 'ok', '2': '' } }
    expect(buildByzantineChoice(per, equivocate, [1, 2])).toEqual({ ok: false, problem: 'empty', recipient: '2' })
  })

  it('adds the tamper toggle only when tampering is allowed', () => {
    const tamperer: ByzantineOptions = { ...equivocate, kind: 'tamper', canTamper: true }
    const form = initialChoiceForm(tamperer)
    expect(form.tamper).toBe(true)
    expect(buildByzantineChoice(form, tamperer, [1])).toEqual({ ok: true, choice: { tamper: true } })
    form.tamper = false
    expect(buildByzantineChoice(form, tamperer, [1])).toEqual({ ok: true, choice: { tamper: false } })
    expect(buildByzantineChoice({ ...form, tamper: true }, equivocate, [1])).toEqual({ ok: true, choice: {} })
  })
})
