import { describe, expect, it } from 'vitest'
import { runCli } from '../support/captureIo'

describe('pbft theory', () => {
  it('prints the exact JSON line of the model check value N=4, p=0.9', async () => {
    const { code, stdout, stderr } = await runCli('theory --nodes 4 --p 0.9 --json')
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout).toBe('{"nodes":4,"f":1,"p":0.9,"successRate":0.5214612411125161}\n')
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

  it('keeps the key order nodes, f, p, successRate', async () => {
    const { stdout } = await runCli('theory --nodes 7 --p 0.9 --json')
    expect(Object.keys(JSON.parse(stdout) as object)).toEqual(['nodes', 'f', 'p', 'successRate'])
  })

  it('uses the given fault bound', async () => {
    const { stdout } = await runCli('theory --nodes 4 --p 1 --f 0 --json')
    expect(stdout).toBe('{"nodes":4,"f":0,"p":1,"successRate":1}\n')
  })

  it('prints an aligned table with the rate as a number and as a percentage', async () => {
    const { code, stdout } = await runCli('theory --nodes 4,10 --p 0.9,1')
    expect(code).toBe(0)
    expect(stdout).toBe(
      [
        'nodes  f    p  success rate  percent',
        '    4  1  0.9      0.521461   52.15%',
        '    4  1    1      1.000000  100.00%',
        '   10  3  0.9      0.580814   58.08%',
        '   10  3    1      1.000000  100.00%',
        '',
      ].join('\n'),
    )
  })
})
