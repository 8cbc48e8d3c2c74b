/** Where a command writes; `process.stdout` fits, and so does a string collector in tests. */
export interface TextSink {
  write(chunk: string): unknown
}

export interface CliIo {
  /** Results only: other tools parse it, so nothing else ever goes here. */
  stdout: TextSink
  /** Errors, and the progress bar. */
  stderr: TextSink
  /** Whether stderr is a terminal: the progress bar is drawn only then. */
  isTTY: boolean
  /** Aborted on SIGINT: long runs stop and the command exits with EXIT.interrupted. */
  signal?: AbortSignal
}

export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const

/** Bad input from the user: reported on one line, with a pointer to the help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'

  /** `command` selects which --help the hint points to. */
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message)
  }
}
