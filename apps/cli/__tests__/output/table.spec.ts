import { describe, expect, it } from 'vitest'
import { formatPercent, formatRate, renderTable } from '../../src/output/table'

describe('renderTable', () => {
  it('aligns columns to their widest cell, numbers right and words left', () => {
    const text = renderTable(
      [{ header: 'name', align: 'left' }, { header: 'n' }],
      [
        ['a', '1000'],
        ['long name', '7'],
      ],
    )
    expect(text).toBe(['name          n', 'a          1000', 'long name     7', ''].join('\n'))
  })
})

describe('number formats', () => {
  it('shows rates with six decimals, or scientifically when tiny', () => {
    expect(formatRate(0.5214612411125161)).toBe('0.521461')
    expect(formatRate(1)).toBe('1.000000')
    expect(formatRate(0)).toBe('0.000000')
    expect(formatRate(1.977e-8)).toBe('1.977e-8')
  })

  it('shows percentages with two decimals and never rounds a non-zero rate to 0%', () => {
    expect(formatPercent(0.5214612411125161)).toBe('52.15%')
    expect(formatPercent(1)).toBe('100.00%')
    expect(formatPercent(0)).toBe('0.00%')
    expect(formatPercent(1e-9)).toBe('<0.01%')
  })
})
