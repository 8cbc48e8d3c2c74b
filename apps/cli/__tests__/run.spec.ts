import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runCli } from './support/captureIo'

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

describe('run: help and version', () => {
  it.each(['--help', '-h', 'help'])('prints the main help for %s', async (flag) => {
    const { code, stdout, stderr } = await runCli(flag)
    expect(code).toBe(0)
    expect(stdout).toContain('Usage:')
    expect(stdout).toContain('pbft sweep')
    expect(stderr).toBe('')
  })

  it.each(['theory', 'simulate', 'sweep'])('prints the help of %s, even next to bad flags', async (command) => {
    const { code, stdout } = await runCli(`${command} --nodes 0 --help`)
    expect(code).toBe(0)
    expect(stdout).toMatch(new RegExp(`^Usage: pbft ${command}`))
  })

  it('documents the default seed', async () => {
    expect((await runCli('simulate --help')).stdout).toMatch(/--seed S\s+integer seed \(default 1\)/)
  })

  it('prints the package version', async () => {
    expect(await runCli('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })
})

describe('run: bad arguments exit 2 with one error line on stderr and nothing on stdout', () => {
  const cases: [string, RegExp][] = [
    ['', /missing command/],
    ['bogus', /unknown command 'bogus'/],
    ['--bogus', /unknown option '--bogus'/],
    ['simulate --nodes 0 --p 0.9', /--nodes: 0 is not an integer >= 1/],
    ['theory --nodes 4 --p 1.5', /--p: 1\.5 is not a probability in \[0, 1\]/],
    ['theory --nodes 4 --p abc', /--p: abc is not a number/],
    ['simulate --nodes 4 --p 0.9 --rounds -3', /--rounds: -3 is not an integer >= 1/],
    ['simulate --nodes 4 --p 0.9 --rounds 1.5', /--rounds: 1\.5 is not an integer >= 1/],
    ['simulate --nodes 4 --p 0.9 --rounds 2e9', /--rounds: 2e9 is above the limit of 1000000000/],
    ['theory --nodes 20000 --p 0.9', /--nodes: 20000 is above the limit of 10000/],
    ['simulate --nodes 20000 --p 0.9', /--nodes: 20000 is above the limit of 10000/],
    ['theory --nodes 4 --p 0.9 --frobnicate', /unknown option '--frobnicate'/],
    ['theory --nodes 4 --p 0.9 extra', /unexpected argument 'extra'/],
    ['theory --p 0.9', /--nodes: required/],
    ['theory --nodes 4', /--p: required/],
    ['simulate --nodes 4', /--p: required \(or a link matrix with --links\)/],
    ['simulate --nodes 4 --p', /--p <value>' argument missing/],
    ['simulate --nodes 4,7 --p 0.9', /--nodes: 4,7 is a list or range, but one value is expected/],
    ['theory --nodes 4 --p 0.5:1:0', /--p: step 0 in 0\.5:1:0 must be > 0/],
    ['theory --nodes 4 --p 1:0.5:0.1', /--p: start 1 is greater than end 0\.5/],
    ['theory --nodes 4 --p 0:1:0.00001', /--p: 0:1:0\.00001 gives 100001 values, more than the 10000 allowed/],
    ['theory --nodes 1:10000 --p 0:1:0.01', /nodes × p gives 1010000 pairs/],
    ['theory --nodes 4 --p 0.9 --f 4', /--f: 4 must be less than nodes, but nodes = 4/],
    ['simulate --nodes 4 --p 0.9 --seed -1', /--seed: -1 is not an integer >= 0/],
    ['simulate --nodes 4 --p 0.9 --path warp', /--path: expected auto, fast or message, got "warp"/],
    ['simulate --nodes 4 --p 0.9 --workers 0', /--workers: 0 is not an integer >= 1/],
    ['simulate --nodes 4 --p 0.9 --faults 0:evil', /--faults: unknown fault kind "evil"/],
    ['simulate --nodes 4 --p 0.9 --faults 4:silent', /--faults: replica 4 does not exist \(ids are 0\.\.3\)/],
    ['simulate --nodes 4 --p 0.9 --faults 1:silent --path fast', /fast path needs every replica honest/],
    ['simulate --nodes 4 --p 0.9 --links missing-file.json', /--links: replaces --p/],
    ['simulate --nodes 4 --links missing-file.json', /--links: cannot read missing-file\.json \(ENOENT\)/],
    ['sweep --nodes 4 --p 0.9 --csv --json', /--csv and --json exclude each other/],
    ['sweep --nodes 4 --p 0.9 --faults 0:silent', /unknown option '--faults'/],
  ]

  it.each(cases)('%s', async (line, message) => {
    const { code, stdout, stderr } = await runCli(line)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    const [error, hint, ...rest] = stderr.split('\n')
    expect(error).toMatch(/^pbft: error: /)
    expect(error).toMatch(message)
    expect(hint).toMatch(/^Run 'pbft (theory |simulate |sweep )?--help' for usage\.$/)
    expect(rest).toEqual([''])
  })
})

describe('run: interruption', () => {
  it('exits 130 with a short note when the signal is aborted', async () => {
    const interrupt = new AbortController()
    interrupt.abort()
    const { code, stdout, stderr } = await runCli('theory --nodes 4 --p 0.9 --json', { signal: interrupt.signal })
    expect(code).toBe(130)
    expect(stdout).toBe('')
    expect(stderr).toBe('pbft: interrupted\n')
  })
})
