import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { readFlags, validateFlags } from '../src/arguments'
import { UsageError } from '../src/cliIo'

const FLAGS = { rounds: { type: 'string' }, json: { type: 'boolean' } } as const

describe('readFlags', () => {
  it('reads string and boolean flags', () => {
    expect(readFlags('simulate', ['--rounds', '5', '--json'], FLAGS)).toEqual({ rounds: '5', json: true })
  })

  it('takes a negative number as the value of a flag, so the schema can judge it', () => {
    expect(readFlags('simulate', ['--rounds', '-3'], FLAGS)).toEqual({ rounds: '-3' })
    expect(readFlags('simulate', ['--rounds', '-.5'], FLAGS)).toEqual({ rounds: '-.5' })
  })

  it('turns parse problems into one-line usage errors for the command', () => {
    const attempt = () => readFlags('simulate', ['--nope'], FLAGS)
    expect(attempt).toThrow(UsageError)
    expect(attempt).toThrow(/^unknown option '--nope'$/)
    try {
      attempt()
    } catch (error) {
      expect((error as UsageError).command).toBe('simulate')
    }
  })
})

describe('validateFlags', () => {
  const schema = z.object({ rounds: z.string().regex(/^\d+$/, 'not a count') })

  it('returns the parsed values', () => {
    expect(validateFlags('sweep', schema, { rounds: '4' })).toEqual({ rounds: '4' })
  })

  it('names the flag of the first problem', () => {
    expect(() => validateFlags('sweep', schema, { rounds: 'x' })).toThrow('--rounds: not a count')
  })
})
