import { describe, expect, it } from 'vitest'
import { THEORY_CSV_COLUMNS, theoryCsvHeader, theoryCsvRow } from '../../src/output/theoryCsv'

describe('theory CSV', () => {
  it('has the JSON line keys as columns, in order', () => {
    expect(theoryCsvHeader()).toBe('nodes,f,p,successRate,failureRate,log10SuccessRate,quorumRule,metric')
    expect(THEORY_CSV_COLUMNS).toHaveLength(8)
  })

  it('prints numbers at full precision and a missing logarithm as an empty cell', () => {
    const point = { nodes: 13, f: 4, p: 0.1, successRate: 2.8319002716237265e-131, failureRate: 1, log10SuccessRate: -130.5479, quorumRule: 'original', metric: 'client' }
    expect(theoryCsvRow(point)).toBe('13,4,0.1,2.8319002716237265e-131,1,-130.5479,original,client')
    expect(theoryCsvRow({ ...point, successRate: 0, log10SuccessRate: null })).toBe('13,4,0.1,0,1,,original,client')
  })
})
