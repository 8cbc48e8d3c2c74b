import { describe, expect, it } from 'vitest'
import { runCli } from '../support/captureIo'

type Json = Record<string, unknown>

async function json(line: string): Promise<Json[]> {
  const { code, stdout, stderr } = await runCli(`${line} --json`)
  expect(stderr).toBe('')
  expect(code).toBe(0)
  return stdout
    .trimEnd()
    .split('\n')
    .map((text) => JSON.parse(text) as Json)
}

async function simulateJson(line: string): Promise<Json> {
  const [record] = await json(`simulate ${line}`)
  if (record === undefined) throw new Error('no JSON line')
  return record
}

/** The record's keys before the views' ones, without the wall time. */
function todaysFields(record: Json): Json {
  const { elapsedMs, views, meanViews, clientAcceptRate, ...rest } = record
  expect(typeof elapsedMs === 'number' || elapsedMs === null).toBe(true)
  expect([views, meanViews, clientAcceptRate].every((value) => typeof value === 'number')).toBe(true)
  return rest
}

/**
 * `pbft simulate --json` as main printed it before views existed (elapsedMs left out), for a
 * fast-path run, a message-level castro-liskov run and two runs with Byzantine replicas.
 */
const BEFORE_VIEWS: readonly (readonly [string, string])[] = [
  [
    '--nodes 10 --p 0.9 --rounds 20000 --seed 7',
    '{"nodes":10,"f":3,"p":0.9,"rounds":20000,"seed":7,"successes":11521,"successRate":0.57605,"ci95":[0.5691871428078417,0.5828836485080247],"theoreticalSuccessRate":0.5808139336462499,"failures":{"pre-prepare":180,"prepare":4974,"commit":3325},"safetyViolations":0,"meanMessages":{"sent":131.425,"delivered":118.2751,"dropped":13.1499,"rejected":0},"path":"fast","quorumRule":"original"}',
  ],
  [
    '--nodes 7 --p 0.85 --rounds 3000 --seed 42 --path message --quorum-rule castro-liskov',
    '{"nodes":7,"f":2,"p":0.85,"rounds":3000,"seed":42,"successes":1513,"successRate":0.5043333333333333,"ci95":[0.48644796508744664,0.5222076182236004],"theoreticalSuccessRate":0.4980989153526513,"failures":{"pre-prepare":139,"prepare":658,"commit":690},"safetyViolations":0,"meanMessages":{"sent":58.75833333333333,"delivered":49.944,"dropped":8.814333333333334,"rejected":0},"path":"message","quorumRule":"castro-liskov"}',
  ],
  [
    '--nodes 7 --p 0.95 --rounds 2000 --seed 11 --faults 0:equivocate,3:silent --no-auth',
    '{"nodes":7,"f":2,"p":0.95,"rounds":2000,"seed":11,"successes":0,"successRate":0,"ci95":[0,0.001917047281252934],"theoreticalSuccessRate":null,"failures":{"pre-prepare":418,"prepare":1582,"commit":0},"safetyViolations":0,"meanMessages":{"sent":33.708,"delivered":32.052,"dropped":1.656,"rejected":0},"path":"message","quorumRule":"original"}',
  ],
  [
    '--nodes 4 --p 0.9 --rounds 3000 --seed 5 --faults 2:wrong-value --quorum-rule castro-liskov',
    '{"nodes":4,"f":1,"p":0.9,"rounds":3000,"seed":5,"successes":845,"successRate":0.2816666666666667,"ci95":[0.2658577455273071,0.29803401841608523],"theoreticalSuccessRate":null,"failures":{"pre-prepare":581,"prepare":864,"commit":710},"safetyViolations":0,"meanMessages":{"sent":18.783,"delivered":16.887333333333334,"dropped":1.8956666666666666,"rejected":0},"path":"message","quorumRule":"castro-liskov"}',
  ],
]

/** `pbft sweep --nodes 4,7 --p 0.8,0.95 --rounds 2000 --seed 2 --csv` before views (its 14 columns). */
const SWEEP_BEFORE_VIEWS = [
  '4,1,0.8,2000,2,305,0.1525,0.13741148677809684,0.16892086108237392,0.17035269113055512,220,1130,345,1157041986',
  '4,1,0.95,2000,2,1552,0.776,0.7572086722277687,0.7937331176729796,0.7779074946427347,13,318,117,656729374',
  '7,2,0.8,2000,2,164,0.082,0.07076181688143124,0.0948408346456962,0.08289280352219609,205,1342,289,3212576861',
  '7,2,0.95,2000,2,1696,0.848,0.8315993113023692,0.8630664237898786,0.8454813535627814,7,188,109,3951545512',
]

describe('pbft simulate --views', () => {
  it.each(BEFORE_VIEWS)('--views 1 (and no --views) prints the numbers of before views, bit for bit: %s', async (line, before) => {
    const expected = JSON.parse(before) as Json
    const explicit = await simulateJson(`${line} --views 1`)
    expect(todaysFields(explicit)).toEqual(expected)
    expect(JSON.stringify(todaysFields(explicit))).toBe(before)
    expect(explicit.views).toBe(1)
    const implicit = await simulateJson(line)
    expect(todaysFields(implicit)).toEqual(expected)
    expect(implicit).toMatchObject({ views: 1, meanViews: 1, clientAcceptRate: explicit.clientAcceptRate })
  })

  it('appends views, meanViews and clientAcceptRate after the existing keys', async () => {
    const record = await simulateJson('--nodes 4 --p 0.9 --rounds 500 --views 2')
    expect(Object.keys(record).slice(-4)).toEqual(['quorumRule', 'views', 'meanViews', 'clientAcceptRate'])
  })

  it('all honest at p = 1: every round decides in view 0 and the client accepts', async () => {
    const record = await simulateJson('--nodes 7 --p 1 --rounds 300 --views 3')
    expect(record).toMatchObject({ successRate: 1, views: 3, meanViews: 1, clientAcceptRate: 1, path: 'message' })
  })

  it('replica 0 silent, p = 1, castro-liskov N = 4: every round decides in view 1 (meanViews 2), the client accepts', async () => {
    const record = await simulateJson('--nodes 4 --p 1 --rounds 300 --views 3 --faults 0:silent --quorum-rule castro-liskov')
    expect(record).toMatchObject({ successRate: 1, views: 3, meanViews: 2, clientAcceptRate: 1, safetyViolations: 0 })
    // One view is the closed form's model; more are not.
    expect(record.theoreticalSuccessRate).toBeNull()
  })

  it('replica 0 silent, p = 1, original rule: N = 4 never decides (2f PREPAREs from others cannot come), N = 5 decides in view 1', async () => {
    const four = await simulateJson('--nodes 4 --p 1 --rounds 200 --views 3 --faults 0:silent')
    expect(four).toMatchObject({ successes: 0, meanViews: 3, clientAcceptRate: 0, failures: { 'pre-prepare': 0, prepare: 200, commit: 0 } })
    const five = await simulateJson('--nodes 5 --p 1 --rounds 200 --views 2 --faults 0:silent')
    expect(five).toMatchObject({ successRate: 1, meanViews: 2, clientAcceptRate: 1 })
  })

  it('prints the views and the client in the summary', async () => {
    const { code, stdout } = await runCli('simulate --nodes 4 --p 1 --rounds 100 --views 2 --faults 0:silent --quorum-rule castro-liskov')
    expect(code).toBe(0)
    expect(stdout).toContain('views              2 allowed, 2.000 used on average\n')
    expect(stdout).toContain('client accepted    1.000000  (100.00%)  f + 1 matching replies\n')
  })

  it.each([
    ['0', '--views: 0 is not an integer >= 1'],
    ['-2', '--views: -2 is not an integer >= 1'],
    ['1.5', '--views: 1.5 is not an integer >= 1'],
    ['two', '--views: two is not a number'],
    ['101', '--views: 101 is above the limit of 100'],
    ['1,2', '--views: 1,2 is a list or range, but one value is expected here'],
  ])('refuses --views %s as a usage error (exit 2, nothing on stdout)', async (value, message) => {
    const { code, stdout, stderr } = await runCli(['simulate', '--nodes', '4', '--p', '0.9', '--views', value])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe(`pbft: error: ${message}\nRun 'pbft simulate --help' for usage.\n`)
  })

  it('refuses the fast path with more than one view, and a missing value', async () => {
    const fast = await runCli('simulate --nodes 4 --p 0.9 --views 2 --path fast')
    expect(fast.code).toBe(2)
    expect(fast.stderr).toMatch(/^pbft: error: the fast path needs .* one view\n/)
    const missing = await runCli('simulate --nodes 4 --p 0.9 --views')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^pbft: error: option '--views <value>' argument missing\n/)
  })
})

describe('pbft sweep --views', () => {
  it('--views 1 keeps every column before views bit for bit, and appends views, meanViews, clientAcceptRate', async () => {
    const { code, stdout } = await runCli('sweep --nodes 4,7 --p 0.8,0.95 --rounds 2000 --seed 2 --views 1 --csv')
    expect(code).toBe(0)
    const [header, ...rows] = stdout.trimEnd().split('\n')
    expect(header?.endsWith(',pointSeed,quorumRule,safetyViolations,views,meanViews,clientAcceptRate')).toBe(true)
    expect(rows.map((row) => row.split(',').slice(0, 14).join(','))).toEqual(SWEEP_BEFORE_VIEWS)
    expect(rows.map((row) => row.split(',').slice(14, 18).join(','))).toEqual(Array(4).fill('original,0,1,1'))
  })

  it('plays every point with K views; the one-view theory is left out', async () => {
    const records = await json('sweep --nodes 4,5 --p 0.9 --rounds 300 --views 2')
    expect(records).toHaveLength(2)
    for (const record of records) {
      expect(record).toMatchObject({ views: 2, theoreticalSuccessRate: null, path: 'message' })
      expect(record.meanViews).toBeGreaterThanOrEqual(1)
      expect(record.meanViews).toBeLessThanOrEqual(2)
    }
    const bad = await runCli('sweep --nodes 4 --p 0.9 --views 0')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe("pbft: error: --views: 0 is not an integer >= 1\nRun 'pbft sweep --help' for usage.\n")
  })
})

describe('pbft theory --metric', () => {
  it('client gives metric B (MODEL.md: N = 4, p = 0.9: 0.5999428738974489 original, 0.846607726424425 castro-liskov)', async () => {
    const [original] = await json('theory --nodes 4 --p 0.9 --metric client')
    expect(original).toMatchObject({ nodes: 4, f: 1, p: 0.9, successRate: 0.5999428738974489, quorumRule: 'original', metric: 'client' })
    expect(Object.keys(original ?? {})).toEqual(['nodes', 'f', 'p', 'successRate', 'failureRate', 'log10SuccessRate', 'quorumRule', 'metric'])
    expect((original?.failureRate as number) + (original?.successRate as number)).toBeCloseTo(1, 15)
    expect(original?.log10SuccessRate).toBeCloseTo(Math.log10(0.5999428738974489), 14)
    const [castroLiskov] = await json('theory --nodes 4 --p 0.9 --metric client --quorum-rule castro-liskov')
    expect(castroLiskov).toMatchObject({ successRate: 0.846607726424425, quorumRule: 'castro-liskov', metric: 'client' })
  })

  it('success is the default and gives metric A as before', async () => {
    const [byDefault] = await json('theory --nodes 4 --p 0.9')
    const [explicit] = await json('theory --nodes 4 --p 0.9 --metric success')
    expect(byDefault).toEqual(explicit)
    expect(byDefault).toMatchObject({ successRate: 0.5214612411125161, metric: 'success' })
  })

  it('writes the metric as the last CSV column and refuses an unknown one', async () => {
    const { stdout } = await runCli('theory --nodes 4 --p 0.9 --metric client --csv')
    expect(stdout).toBe(
      'nodes,f,p,successRate,failureRate,log10SuccessRate,quorumRule,metric\n' +
        '4,1,0.9,0.5999428738974489,0.40005712610255106,-0.2218901008367669,original,client\n',
    )
    const bad = await runCli('theory --nodes 4 --p 0.9 --metric replies')
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr: 'pbft: error: --metric: expected success or client, got "replies"\nRun \'pbft theory --help\' for usage.\n',
    })
  })
})
