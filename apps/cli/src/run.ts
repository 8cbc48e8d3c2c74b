import { EXIT, UsageError, type CliIo } from './cliIo'
import { simulateCommand } from './commands/simulate'
import { sweepCommand } from './commands/sweep'
import { theoryCommand } from './commands/theory'
import { ConfigError } from './engine'
import { cliVersion, MAIN_HELP, SIMULATE_HELP, SWEEP_HELP, THEORY_HELP } from './help'

interface Command {
  help: string
  run(argv: readonly string[], io: CliIo): Promise<number>
}

const COMMANDS: Record<string, Command> = {
  theory: { help: THEORY_HELP, run: theoryCommand },
  simulate: { help: SIMULATE_HELP, run: simulateCommand },
  sweep: { help: SWEEP_HELP, run: sweepCommand },
}

const wantsHelp = (argv: readonly string[]): boolean => argv.includes('--help') || argv.includes('-h')

function reportUsage(io: CliIo, error: UsageError): number {
  const help = error.command === undefined ? 'pbft --help' : `pbft ${error.command} --help`
  io.stderr.write(`pbft: error: ${error.message}\nRun '${help}' for usage.\n`)
  return EXIT.usage
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) throw new UsageError('missing command (theory, simulate or sweep)')
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(MAIN_HELP)
    return EXIT.ok
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${cliVersion()}\n`)
    return EXIT.ok
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (command === undefined) {
    throw new UsageError(name.startsWith('-') ? `unknown option '${name}' before the command` : `unknown command '${name}'`)
  }
  // Help wins over everything else on the line, so `pbft simulate --nodes 0 --help` still helps.
  if (wantsHelp(rest)) {
    io.stdout.write(command.help)
    return EXIT.ok
  }
  return command.run(rest, io)
}

/**
 * Runs one pbft command line (`argv` without the program name) and returns its exit code:
 * 0 done, 1 internal error, 2 bad arguments (nothing written to stdout), 130 interrupted.
 * It never throws and never touches `process`, so tests run it in-process.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io)
  } catch (error) {
    if (io.signal?.aborted === true) {
      io.stderr.write('pbft: interrupted\n')
      return EXIT.interrupted
    }
    if (error instanceof UsageError) return reportUsage(io, error)
    // The engine's own validation (e.g. --path fast with Byzantine replicas) is still bad input.
    if (error instanceof ConfigError) return reportUsage(io, new UsageError(error.message, argv[0]))
    io.stderr.write(`pbft: internal error: ${error instanceof Error ? error.message : String(error)}\n`)
    return EXIT.failure
  }
}
