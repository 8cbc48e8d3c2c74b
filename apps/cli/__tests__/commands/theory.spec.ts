import { describe, expect, it } from 'vitest'
import { runCli } from '../support/captureIo'

describe('pbft theory', () => {
  it('prints the exact JSON line of the model check value N=4, p=0.9', async () => {
    const { code, stdout, stderr } = await runCli('theory --nodes 4 --p 0.9 --json')
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout).toBe(
      '{"nodes":4,"f":1,"p":0.9,"successRate":0.5214612411125161,"failureRate":0.47853875888748393,' +
        '"log10SuccessRate":-0.2827779660418837,"quorumRule":"original","metric":"success"}\n',
    )
  })

  it('runs nodes in the outer loop and p in the inner one, with clean decimal p', async () => {
    const { stdout } = await runCli('theory --nodes 4,7 --p 0.5:1:0.05 --json')
    const points = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { nodes: number; f: number; p: number })
    expect(points).toHaveLength(22)
    expect(points.slice(0, 11).every((point) => point.nodes === 4 && point.f === 1)).toBe(true)
    expect(points.slice(11).every((point) => point.nodes === 7 && point.f === 2)).toBe(true)
    expect(points.slice(0, 11).map((point) => point.p)).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1])
    expect(stdout).toContain('"p":0.55,')
  })

  it('keeps the key order nodes, f, p, successRate, then appends failureRate, log10SuccessRate, quorumRule, metric', async () => {
    const { stdout } = await runCli('theory --nodes 7 --p 0.9 --json')
    expect(Object.keys(JSON.parse(stdout) as object)).toEqual([
      'nodes',
      'f',
      'p',
      'successRate',
      'failureRate',
      'log10SuccessRate',
      'quorumRule',
      'metric',
    ])
  })

  it('uses the given fault bound', async () => {
    const { stdout } = await runCli('theory --nodes 4 --p 1 --f 0 --json')
    expect(stdout).toBe('{"nodes":4,"f":0,"p":1,"successRate":1,"failureRate":0,"log10SuccessRate":0,"quorumRule":"original","metric":"success"}\n')
  })

  it('prints an aligned table with the rate as a number and as a percentage', async () => {
    const { code, stdout } = await runCli('theory --nodes 4,10 --p 0.9,1')
    expect(code).toBe(0)
    expect(stdout).toBe(
      [
        'nodes  f    p  success rate  percent  failure rate  rule      metric',
        '    4  1  0.9      0.521461   52.15%      0.478539  original  success',
        '    4  1    1      1.000000  100.00%      0.000000  original  success',
        '   10  3  0.9      0.580814   58.08%      0.419186  original  success',
        '   10  3    1      1.000000  100.00%      0.000000  original  success',
        '',
      ].join('\n'),
    )
  })

  it('takes --quorum-rule castro-liskov (MODEL.md: 0.7907543172404601 at N = 4, p = 0.9)', async () => {
    const { code, stdout } = await runCli('theory --nodes 4,5 --p 0.9 --quorum-rule castro-liskov --json')
    expect(code).toBe(0)
    const points = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(points).toMatchObject([
      { nodes: 4, successRate: 0.7907543172404601, quorumRule: 'castro-liskov' },
      { nodes: 5, successRate: 0.5999811135935901, quorumRule: 'castro-liskov' },
    ])
  })

  it('refuses an unknown rule as a usage error, exit 2, nothing on stdout', async () => {
    const { code, stdout, stderr } = await runCli('theory --nodes 4 --p 0.9 --quorum-rule paxos')
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe('pbft: error: --quorum-rule: expected original or castro-liskov, got "paxos"\nRun \'pbft theory --help\' for usage.\n')
  })

  it('keeps the tails: P far below the doubles, 1 - P near 1, log10 P where P underflows', async () => {
    const { stdout } = await runCli('theory --nodes 13,100,1000 --p 0.1,0.99 --json')
    const [small, , , nearOne, deep] = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, number>)
    expect(small?.successRate).toBeCloseTo(2.8319e-131, 134)
    expect(small?.log10SuccessRate).toBeCloseTo(-130.548, 2)
    expect(nearOne?.failureRate).toBeCloseTo(1.7578e-35, 38)
    expect(nearOne?.successRate).toBe(1)
    expect(deep?.successRate).toBe(0)
    expect(deep?.log10SuccessRate).toBeLessThan(-300)
    expect(Number.isFinite(deep?.log10SuccessRate)).toBe(true)
    // Exactly 0 has no logarithm: null in JSON, an empty cell in CSV.
    const zero = await runCli('theory --nodes 4 --p 0 --json')
    expect(JSON.parse(zero.stdout)).toMatchObject({ successRate: 0, failureRate: 1, log10SuccessRate: null })
  })

  it('prints CSV with the JSON keys as columns', async () => {
    const { code, stdout } = await runCli('theory --nodes 4 --p 0,0.9 --csv')
    expect(code).toBe(0)
    expect(stdout).toBe(
      [
        'nodes,f,p,successRate,failureRate,log10SuccessRate,quorumRule,metric',
        '4,1,0,0,1,,original,success',
        '4,1,0.9,0.5214612411125161,0.47853875888748393,-0.2827779660418837,original,success',
        '',
      ].join('\n'),
    )
    expect((await runCli('theory --nodes 4 --p 0.9 --csv --json')).code).toBe(2)
  })
})
