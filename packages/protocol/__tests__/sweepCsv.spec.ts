import { describe, expect, it } from 'vitest'
import { SWEEP_CSV_COLUMNS, sweepCsv, sweepCsvRow, type SweepCsvPoint } from '../src/sweepCsv'

const point: SweepCsvPoint = {
  nodes: 4,
  f: 1,
  p: 0.9,
  rounds: 2000,
  seed: 1,
  successes: 1055,
  successRate: 0.5275,
  ci95: [0.5055883051812351, 0.5493062572182958],
  theoreticalSuccessRate: 0.5214612411125161,
  failures: { 'pre-prepare': 51, prepare: 607, commit: 287 },
  pointSeed: 3741064792,
}

describe('the sweep CSV', () => {
  it('has the columns of pbft sweep --csv, the quorum rule and the safety violations appended after pointSeed', () => {
    expect(SWEEP_CSV_COLUMNS.join(',')).toBe(
      'nodes,f,p,rounds,seed,successes,successRate,ci95Low,ci95High,theoreticalSuccessRate,failuresPrePrepare,failuresPrepare,failuresCommit,pointSeed,quorumRule,safetyViolations',
    )
  })

  it('writes one full-precision row per point under the header', () => {
    expect(sweepCsv([{ ...point, quorumRule: 'castro-liskov', safetyViolations: 0 }])).toBe(
      `${SWEEP_CSV_COLUMNS.join(',')}\n4,1,0.9,2000,1,1055,0.5275,0.5055883051812351,0.5493062572182958,0.5214612411125161,51,607,287,3741064792,castro-liskov,0\n`,
    )
  })

  it('leaves the rule and the violations of a record made before them empty', () => {
    expect(sweepCsvRow(point)).toBe('4,1,0.9,2000,1,1055,0.5275,0.5055883051812351,0.5493062572182958,0.5214612411125161,51,607,287,3741064792,,')
  })

  it('leaves a missing theory value empty rather than writing null', () => {
    expect(sweepCsvRow({ ...point, theoreticalSuccessRate: null }).split(',')[9]).toBe('')
  })
})
