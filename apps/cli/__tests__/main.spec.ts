import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/** The repository root: `pnpm pbft` is a root script. */
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))

function pnpmPbft(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('pnpm', ['pbft', ...args], { cwd: repoRoot }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
      resolve({ code, stdout, stderr })
    })
  })
}

// End to end through pnpm, tsx and main.ts: the real command other tools call.
describe('pnpm pbft (end to end)', () => {
  it('prints only the JSON line on stdout and exits 0', async () => {
    const { code, stdout } = await pnpmPbft(['theory', '--nodes', '4', '--p', '0.9', '--json'])
    expect(stdout).toBe(
      '{"nodes":4,"f":1,"p":0.9,"successRate":0.5214612411125161,"failureRate":0.47853875888748393,' +
        '"log10SuccessRate":-0.2827779660418837,"quorumRule":"original","metric":"success"}\n',
    )
    expect(code).toBe(0)
  }, 30_000)

  it('exits 2 on a bad argument, with the error on stderr only', async () => {
    const { code, stdout, stderr } = await pnpmPbft(['simulate', '--nodes', '0'])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^pbft: error: --nodes: 0 is not an integer >= 1\n/)
  }, 30_000)
})
