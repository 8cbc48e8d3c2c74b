#!/usr/bin/env tsx
import { EXIT } from './cliIo'
import { run } from './run'

/** The process side of the CLI: streams, exit code, Ctrl-C. Everything else is in run(). */

const interrupt = new AbortController()
process.on('SIGINT', () => {
  // A second Ctrl-C does not wait for the workers to wind down.
  if (interrupt.signal.aborted) process.exit(EXIT.interrupted)
  interrupt.abort()
})

// `pbft … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok)
  throw error
})

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stderr.isTTY === true,
  signal: interrupt.signal,
})
process.exitCode = interrupt.signal.aborted ? EXIT.interrupted : code
