import { describe, expect, it } from 'vitest'
import { EXPERIMENT_CSV_COLUMNS, exportFileName, toCsv, toExportDocument } from '../../src/experiment/exportFormats'
import { experimentPoint } from '../support/fixtures'

describe('toCsv', () => {
  it('writes the columns of pbft sweep --csv, in order, the rule and the violations last', () => {
    const [header] = toCsv([]).split('\n')
    expect(header).toBe(
      'nodes,f,p,rounds,seed,successes,successRate,ci95Low,ci95High,theoreticalSuccessRate,failuresPrePrepare,failuresPrepare,failuresCommit,pointSeed,quorumRule,safetyViolations',
    )
    expect(EXPERIMENT_CSV_COLUMNS).toHaveLength(16)
  })

  it('writes one row per point with full-precision numbers', () => {
    const csv = toCsv([experimentPoint(), experimentPoint({ nodes: 7, f: 2, p: 0.55, successRate: 1 / 3, ci95: [0.1, 0.6] })])
    const lines = csv.split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[1]).toBe('4,1,0.9,1000,1,950,0.95,0.935,0.962,0.9477,10,30,10,123456789,original,0')
    expect(lines[2]).toBe(`7,2,0.55,1000,1,950,${1 / 3},0.1,0.6,0.9477,10,30,10,123456789,original,0`)
    expect(lines[3]).toBe('')
  })
})

describe('toExportDocument', () => {
  it('holds the inputs, the versions, the time and the results', () => {
    const document = toExportDocument({
      appVersion: '0.1.0',
      exportedAt: new Date('2025-03-04T05:06:07.890Z'),
      mode: 'convergence',
      source: 'browser',
      experimentId: null,
      config: { nodes: [4], p: [0.9], rounds: 1000, seed: 1, quorumRules: ['original', 'castro-liskov'] },
      curves: [{ nodes: 4, theory: 0.9477, points: [[1000, 0.95]], quorumRule: 'castro-liskov', theoryFailure: 0.0523 }],
      results: [experimentPoint()],
    })
    expect(document).toMatchObject({
      v: 1,
      kind: 'pbft-experiment',
      appVersion: '0.1.0',
      exportedAt: '2025-03-04T05:06:07.890Z',
      mode: 'convergence',
      config: { nodes: [4], p: [0.9], rounds: 1000, seed: 1, quorumRules: ['original', 'castro-liskov'] },
    })
    expect(document.curves[0]).toMatchObject({ quorumRule: 'castro-liskov', theoryFailure: 0.0523 })
    expect(JSON.parse(JSON.stringify(document))).toEqual(document)
  })
})

describe('exportFileName', () => {
  it('is sortable and free of characters file systems reject', () => {
    expect(exportFileName('sweep', new Date('2025-03-04T05:06:07.890Z'), 'csv')).toBe('pbft-experiment-sweep-2025-03-04T05-06-07Z.csv')
  })
})
