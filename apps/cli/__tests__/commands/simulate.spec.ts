import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../support/captureIo'

type Json = Record<string, unknown>

async function simulateJson(line: string): Promise<Json> {
  const { code, stdout, stderr } = await runCli(`simulate ${line} --json`)
  expect(stderr).toBe('')
  expect(code).toBe(0)
  expect(stdout.endsWith('\n')).toBe(true)
  expect(stdout.trimEnd().split('\n')).toHaveLength(1)
  return JSON.parse(stdout) as Json
}

function withoutTime(record: Json): Json {
  const { elapsedMs, ...rest } = record
  expect(typeof elapsedMs).toBe('number')
  return rest
}

function linksFile(contents: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pbft-links-')), 'links.json')
  writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents))
  return file
}

describe('pbft simulate', () => {
  it('prints one JSON line with the documented keys in order', async () => {
    const record = await simulateJson('--nodes 10 --p 0.9 --rounds 20000 --seed 7')
    expect(Object.keys(record)).toEqual([
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
      'safetyViolations',
      'meanMessages',
      'path',
      'quorumRule',
      'views',
      'meanViews',
      'clientAcceptRate',
    ])
    expect(Object.keys(record.failures as Json)).toEqual(['pre-prepare', 'prepare', 'commit'])
    expect(record).toMatchObject({ nodes: 10, f: 3, p: 0.9, rounds: 20000, seed: 7, path: 'fast', quorumRule: 'original' })
    expect(record.theoreticalSuccessRate).toBeCloseTo(0.5808139336462, 12)
    const [low, high] = record.ci95 as [number, number]
    expect(low).toBeLessThan(record.successRate as number)
    expect(high).toBeGreaterThan(record.successRate as number)
  })

  it('gives the same output for the same seed, except elapsedMs', async () => {
    const line = '--nodes 7 --p 0.85 --rounds 5000 --seed 42 --path message'
    expect(withoutTime(await simulateJson(line))).toEqual(withoutTime(await simulateJson(line)))
  })

  it('uses seed 1 and 10000 rounds by default', async () => {
    const record = await simulateJson('--nodes 4 --p 0.9')
    expect(record).toMatchObject({ seed: 1, rounds: 10000 })
    expect(withoutTime(record)).toEqual(withoutTime(await simulateJson('--nodes 4 --p 0.9 --seed 1 --rounds 10000')))
  })

  it('has no theoretical rate with Byzantine replicas', async () => {
    const record = await simulateJson('--nodes 7 --p 0.95 --rounds 500 --faults 0:equivocate,3:silent --no-auth')
    expect(record.theoreticalSuccessRate).toBeNull()
    expect(record.path).toBe('message')
  })

  it('keeps the theory when the only Byzantine replicas are silent backups (MODEL.md, k silent backups)', async () => {
    const record = await simulateJson('--nodes 4 --p 0.9 --rounds 20000 --faults 3:silent --quorum-rule castro-liskov')
    expect(record).toMatchObject({ theoreticalSuccessRate: 0.282429536481, path: 'message', quorumRule: 'castro-liskov' })
    expect(Math.abs((record.successRate as number) - 0.282429536481)).toBeLessThan(0.02)
    const original = await simulateJson('--nodes 4 --p 1 --rounds 500 --faults 3:silent')
    expect(original).toMatchObject({ theoreticalSuccessRate: 0, successes: 0 })
    expect((await simulateJson('--nodes 4 --p 0.9 --rounds 100 --faults 0:silent')).theoreticalSuccessRate).toBeNull()
  })

  it('never counts a safety violation as a success: N = 5, an equivocating primary, p = 1', async () => {
    const split = await simulateJson('--nodes 5 --p 1 --rounds 2000 --faults 0:equivocate')
    expect(split).toMatchObject({ successes: 0, successRate: 0, safetyViolations: 2000, quorumRule: 'original' })
    expect(split.failures).toEqual({ 'pre-prepare': 0, prepare: 0, commit: 0 })
    const safe = await simulateJson('--nodes 5 --p 1 --rounds 2000 --faults 0:equivocate --quorum-rule castro-liskov')
    expect(safe).toMatchObject({ successes: 0, safetyViolations: 0, quorumRule: 'castro-liskov' })
    const { stdout } = await runCli('simulate --nodes 5 --p 1 --rounds 200 --faults 0:equivocate')
    expect(stdout).toMatch(/^success rate {7}0\.000000 {2}\(0\.00%\) {2}0\/200 rounds$/m)
    expect(stdout).toMatch(/^safety violations {2}200 {2}\(never counted as successes\)$/m)
  })

  it('takes --quorum-rule on both paths, and refuses an unknown one with exit 2', async () => {
    for (const path of ['fast', 'message']) {
      const record = await simulateJson(`--nodes 4 --p 0.9 --rounds 40000 --seed 3 --path ${path} --quorum-rule castro-liskov`)
      expect(record).toMatchObject({ quorumRule: 'castro-liskov', theoreticalSuccessRate: 0.7907543172404601 })
      expect(Math.abs((record.successRate as number) - 0.7907543172404601)).toBeLessThan(0.01)
    }
    const { code, stdout, stderr } = await runCli('simulate --nodes 4 --p 0.9 --quorum-rule Castro')
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^pbft: error: --quorum-rule: expected original or castro-liskov, got "Castro"\n/)
  })

  it('keeps the theory with only honest replicas listed', async () => {
    const record = await simulateJson('--nodes 4 --p 0.9 --rounds 500 --faults 2:honest')
    expect(record.theoreticalSuccessRate).toBeCloseTo(0.52146124111, 10)
  })

  it('reads a link matrix, and then has no p and no theory', async () => {
    const file = linksFile([
      [0, 1, 1, 1],
      [1, 0, 1, 1],
      [1, 1, 0, 1],
      [1, 1, 1, 0],
    ])
    const record = await simulateJson(`--nodes 4 --links ${file} --rounds 200`)
    expect(record).toMatchObject({ p: null, theoreticalSuccessRate: null, successRate: 1 })
  })

  it.each([
    ['[[1,1],[1,1]]', /must be a 4×4 matrix for --nodes 4, but it has 2 rows/],
    ['[[0,1,1,1],[1,0,1],[1,1,0,1],[1,1,1,0]]', /row 1 has 3 entries/],
    ['[[0,1,1,1],[1,0,1,1],[1,1,0,2],[1,1,1,0]]', /\[2\]\[3\]: entries must be in \[0, 1\]/],
    ['{"a":1}', /expected an N×N array of arrays/],
    ['[[0,1', /is not valid JSON/],
  ])('rejects the link matrix %s', async (contents, message) => {
    const { code, stdout, stderr } = await runCli(`simulate --nodes 4 --links ${linksFile(contents)}`)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^pbft: error: --links: /)
    expect(stderr).toMatch(message)
  })

  it('prints a readable summary without --json', async () => {
    const { code, stdout } = await runCli('simulate --nodes 4 --p 0.9 --rounds 1000')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^PBFT Monte-Carlo: N=4, f=1, p=0\.9, 1000 rounds, seed 1, fast path, original quorum rule\n/)
    expect(stdout).toMatch(/^theory {13}0\.521461 {2}\(52\.15%\)$/m)
    expect(stdout).toMatch(/^failed in {10}pre-prepare \d+, prepare \d+, commit \d+$/m)
  })

  it('draws a progress bar on stderr only when it is a terminal', async () => {
    const line = 'simulate --nodes 4 --p 0.9 --rounds 200000 --json'
    const quiet = await runCli(line, { isTTY: false })
    expect(quiet.stderr).toBe('')
    const tty = await runCli(line, { isTTY: true })
    expect(tty.stderr).toContain('simulate [')
    expect(tty.stderr).toContain('100%')
    expect(tty.stdout).toBe(quiet.stdout.replace(/"elapsedMs":\d+/, (match) => tty.stdout.match(/"elapsedMs":\d+/)?.[0] ?? match))
  })
})
