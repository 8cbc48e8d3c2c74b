import { describe, expect, it } from 'vitest'
import { runCli } from '../support/captureIo'

const HEADER =
  'nodes,f,p,rounds,seed,successes,successRate,ci95Low,ci95High,theoreticalSuccessRate,failuresPrePrepare,failuresPrepare,failuresCommit,pointSeed,quorumRule,safetyViolations,views,meanViews,clientAcceptRate'

describe('pbft sweep', () => {
  it('prints a CSV header and one row per (nodes, p) point, nodes outer', async () => {
    const { code, stdout, stderr } = await runCli('sweep --nodes 4,7,10 --p 0.8:1:0.05 --rounds 300 --seed 1 --csv')
    expect(code).toBe(0)
    expect(stderr).toBe('')
    const [header, ...rows] = stdout.trimEnd().split('\n')
    expect(header).toBe(HEADER)
    expect(rows).toHaveLength(15)
    const cells = rows.map((row) => row.split(','))
    expect(cells.every((row) => row.length === 19)).toBe(true)
    expect(cells.map((row) => `${row[0]}@${row[2]}`).slice(0, 6)).toEqual(['4@0.8', '4@0.85', '4@0.9', '4@0.95', '4@1', '7@0.8'])
    expect(rows[2]).toMatch(/^4,1,0\.9,300,1,\d+,[\d.]+,[\d.]+,[\d.]+,0\.5214612411125161,\d+,\d+,\d+,\d+,original,0,1,1,[\d.]+$/)
  })

  it('prints one JSON object per point with the simulate keys', async () => {
    const { stdout } = await runCli('sweep --nodes 4 --p 0.9,1 --rounds 200 --json')
    const records = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(records).toHaveLength(2)
    expect(Object.keys(records[0] ?? {}).slice(0, 11)).toEqual([
      'nodes',
      'f',
      'p',
      'rounds',
      'seed',
      'successes',
      'successRate',
      'ci95',
      'theoreticalSuccessRate',
      'failures',
      'elapsedMs',
    ])
    expect(records[1]).toMatchObject({ nodes: 4, p: 1, successRate: 1, theoreticalSuccessRate: 1, elapsedMs: null })
    // Appended keys: pointSeed came first, quorumRule after it, then the views'.
    expect(Object.keys(records[0] ?? {}).slice(11)).toEqual([
      'safetyViolations',
      'meanMessages',
      'path',
      'pointSeed',
      'quorumRule',
      'views',
      'meanViews',
      'clientAcceptRate',
    ])
    expect(records[0]).toMatchObject({ quorumRule: 'original', safetyViolations: 0 })
  })

  it('takes --quorum-rule: every point runs and is compared with the theory under that rule', async () => {
    const { code, stdout } = await runCli('sweep --nodes 4,5 --p 0.9 --rounds 20000 --seed 2 --quorum-rule castro-liskov --json')
    expect(code).toBe(0)
    const records = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, number | string>)
    expect(records).toMatchObject([
      { nodes: 4, quorumRule: 'castro-liskov', theoreticalSuccessRate: 0.7907543172404601 },
      { nodes: 5, quorumRule: 'castro-liskov', theoreticalSuccessRate: 0.5999811135935901 },
    ])
    for (const record of records) {
      expect(Math.abs(Number(record.successRate) - Number(record.theoreticalSuccessRate))).toBeLessThan(0.02)
    }
    const bad = await runCli('sweep --nodes 4 --p 0.9 --quorum-rule 2f')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^pbft: error: --quorum-rule: expected original or castro-liskov, got "2f"\n/)
  })

  it("reports the sweep seed, and each point's own seed, which simulate reproduces", async () => {
    const { stdout } = await runCli('sweep --nodes 7 --p 0.9 --rounds 400 --seed 3 --json')
    const point = JSON.parse(stdout) as { seed: number; pointSeed: number; successes: number; failures: unknown }
    expect(point.seed).toBe(3)
    const again = await runCli(`simulate --nodes 7 --p 0.9 --rounds 400 --seed ${point.pointSeed} --json`)
    expect(JSON.parse(again.stdout)).toMatchObject({ successes: point.successes, failures: point.failures })
  })

  it('is deterministic for a seed', async () => {
    const line = 'sweep --nodes 4,5 --p 0.7,0.9 --rounds 500 --seed 9 --csv'
    expect((await runCli(line)).stdout).toBe((await runCli(line)).stdout)
  })

  it('prints a table by default', async () => {
    const { stdout } = await runCli('sweep --nodes 4 --p 1 --rounds 100')
    const [header, row, ...rest] = stdout.split('\n')
    expect(header).toMatch(/^nodes\s+f\s+p\s+rounds\s+success rate\s+95% interval\s+theory\s+pre-prepare\s+prepare\s+commit\s+rule\s+views\s+mean views\s+client$/)
    expect(row).toMatch(/^\s+4\s+1\s+1\s+100\s+1\.000000\s+\[0\.96\d+, 1\.000000\]\s+1\.000000\s+0\s+0\s+0\s+original\s+1\s+1\.000\s+1\.000000$/)
    expect(rest).toEqual([''])
  })
})
