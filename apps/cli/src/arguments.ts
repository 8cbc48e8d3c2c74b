import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { z } from 'zod'
import { describeParamsError } from '@pbft/protocol'
import { UsageError } from './cliIo'

export type FlagSpec = NonNullable<ParseArgsConfig['options']>
export type FlagValues = Record<string, string | boolean | undefined>

const NEGATIVE_NUMBER = /^-(?:\d|\.\d)/

/**
 * parseArgs refuses `--rounds -3` as "ambiguous"; joining it into `--rounds=-3` lets the
 * schema say what is actually wrong with the value (no flag of ours takes a negative number).
 */
function joinNegativeValues(argv: readonly string[], flags: FlagSpec): string[] {
  const joined: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const next = argv[i + 1]
    const name = arg.startsWith('--') ? arg.slice(2) : undefined
    if (name !== undefined && flags[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`${arg}=${next}`)
      i++
    } else {
      joined.push(arg)
    }
  }
  return joined
}

/** Reads a command's flags strictly: unknown flags, positionals and missing values are usage errors. */
export function readFlags(command: string, argv: readonly string[], flags: FlagSpec): FlagValues {
  try {
    const { values } = parseArgs({ args: joinNegativeValues(argv, flags), options: flags, strict: true, allowPositionals: false })
    return values as FlagValues
  } catch (error) {
    // Node's messages run over several lines; the first says what is wrong.
    const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)
    throw new UsageError(first.charAt(0).toLowerCase() + first.slice(1), command)
  }
}

/** Passes flag values through a schema; the first problem becomes a `--flag: …` usage error. */
export function validateFlags<S extends z.ZodType>(command: string, schema: S, values: FlagValues): z.output<S> {
  const parsed = schema.safeParse(values)
  if (!parsed.success) throw new UsageError(describeParamsError(parsed.error, '--'), command)
  return parsed.data
}
