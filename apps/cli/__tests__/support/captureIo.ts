import type { CliIo } from '../../src/cliIo'
import { run } from '../../src/run'

/** A CliIo that keeps what was written, for in-process runs of the CLI. */
export interface CapturedIo extends CliIo {
  out: string[]
  err: string[]
}

export function captureIo(options: { isTTY?: boolean; signal?: AbortSignal } = {}): CapturedIo {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk) },
    isTTY: options.isTTY ?? false,
    signal: options.signal,
  }
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs a command line (split on spaces) in-process and returns its exit code and output. */
export async function runCli(line: string | readonly string[], options: { isTTY?: boolean; signal?: AbortSignal } = {}): Promise<RunResult> {
  const io = captureIo(options)
  const argv = typeof line === 'string' ? line.split(' ').filter((arg) => arg !== '') : line
  const code = await run(argv, io)
  return { code, stdout: io.out.join(''), stderr: io.err.join('') }
}
