import { z } from 'zod'

/**
 * Parameter ranges as people type them on a command line or in a query string:
 * a value (`0.9`), a comma list (`4,7,10`), or an inclusive `start:end:step` range
 * (`0.5:1:0.05`); list items may themselves be ranges (`4,7,10:40:10`).
 */

/** Most values one range may expand to: a sweep bigger than this is a typo, not a plan. */
export const MAX_RANGE_POINTS = 10_000

/** What the values of a range may be. */
export type RangeDomain =
  | { kind: 'probability' }
  /** `max` is a resource cap rather than a mathematical bound, hence its own message. */
  | { kind: 'integer'; min: number; max: number }

export const PROBABILITY: RangeDomain = { kind: 'probability' }

export function integerDomain(min: number, max: number = Number.MAX_SAFE_INTEGER): RangeDomain {
  return { kind: 'integer', min, max }
}

/** A range that cannot be parsed; the message reads well after a `--flag: ` or `param: ` prefix. */
export class RangeSyntaxError extends Error {
  override name = 'RangeSyntaxError'
}

// Plain decimal notation only: Number() would also accept '', ' ', '0x10', 'Infinity'.
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

function parseNumber(text: string): number {
  const value = Number(text)
  if (!NUMBER.test(text) || !Number.isFinite(value)) throw new RangeSyntaxError(`${text || '""'} is not a number`)
  return value
}

function checkInDomain(value: number, text: string, domain: RangeDomain): void {
  if (domain.kind === 'probability') {
    if (value < 0 || value > 1) throw new RangeSyntaxError(`${text} is not a probability in [0, 1]`)
    return
  }
  if (!Number.isInteger(value) || value < domain.min) {
    throw new RangeSyntaxError(`${text} is not an integer >= ${domain.min}`)
  }
  if (value > domain.max) throw new RangeSyntaxError(`${text} is above the limit of ${domain.max}`)
}

/** Parses one value (no list, no range) of the domain. */
export function parseScalar(text: string, domain: RangeDomain): number {
  const trimmed = text.trim()
  if (/[,:]/.test(trimmed)) throw new RangeSyntaxError(`${trimmed} is a list or range, but one value is expected here`)
  const value = parseNumber(trimmed)
  checkInDomain(value, trimmed, domain)
  return value
}

/** Digits after the decimal point in the shortest representation of `value` (1.5e-7 → 8). */
function decimalPlaces(value: number): number {
  const [mantissa = '', exponent] = String(Math.abs(value)).split('e')
  const fraction = mantissa.split('.')[1]?.length ?? 0
  return Math.max(0, fraction - Number(exponent ?? 0))
}

// Past this scale the integer grid below no longer holds exact values.
const MAX_EXACT_DECIMALS = 15

/**
 * Expands `start:end:step` with an inclusive end. Floating steps are counted on an integer
 * grid (0.5:1:0.05 → 50..100 by 5, over 100) so the end is neither lost nor overshot, and each
 * value is the double nearest its decimal (0.55, never 0.5500000000000001).
 */
function expandSteps(text: string, domain: RangeDomain, maxPoints: number): number[] {
  const parts = text.split(':').map((part) => part.trim())
  if (parts.length > 3) throw new RangeSyntaxError(`${text} is not a range start:end:step`)
  const [startText = '', endText = '', stepText] = parts
  const start = parseScalar(startText, domain)
  const end = parseScalar(endText, domain)
  if (stepText === undefined && domain.kind === 'probability') {
    throw new RangeSyntaxError(`${text} needs a step, e.g. ${startText}:${endText}:0.05`)
  }
  const step = stepText === undefined ? 1 : parseNumber(stepText)
  if (step <= 0) throw new RangeSyntaxError(`step ${stepText} in ${text} must be > 0`)
  if (domain.kind === 'integer' && !Number.isInteger(step)) {
    throw new RangeSyntaxError(`step ${stepText} in ${text} must be an integer`)
  }
  if (start > end) throw new RangeSyntaxError(`start ${startText} is greater than end ${endText} in ${text}`)

  const places = Math.max(decimalPlaces(start), decimalPlaces(step), decimalPlaces(end))
  const scale = 10 ** places
  const [s, e, t] = [start, end, step].map((v) => Math.round(v * scale)) as [number, number, number]
  const exact = places <= MAX_EXACT_DECIMALS && Number.isSafeInteger(e) && t > 0
  // The tolerance only matters off the exact grid (steps like 1e-20).
  const count = exact ? Math.floor((e - s) / t) + 1 : Math.floor((end - start) / step + 1e-9) + 1
  if (count > maxPoints) {
    throw new RangeSyntaxError(`${text} gives ${count} values, more than the ${maxPoints} allowed`)
  }
  return Array.from({ length: count }, (_, i) => (exact ? (s + i * t) / scale : start + i * step))
}

/**
 * Parses a value, a comma list or `start:end:step` ranges into the values they denote, in the
 * order written. Throws RangeSyntaxError with a message naming the offending piece.
 */
export function parseRange(text: string, domain: RangeDomain, maxPoints: number = MAX_RANGE_POINTS): number[] {
  if (text.trim() === '') throw new RangeSyntaxError('empty value')
  const values: number[] = []
  for (const item of text.split(',')) {
    const trimmed = item.trim()
    if (trimmed === '') throw new RangeSyntaxError(`empty item in "${text}"`)
    const expanded = trimmed.includes(':') ? expandSteps(trimmed, domain, maxPoints) : [parseScalar(trimmed, domain)]
    values.push(...expanded)
    if (values.length > maxPoints) {
      throw new RangeSyntaxError(`${text} gives more than the ${maxPoints} values allowed`)
    }
  }
  return values
}

const REQUIRED = 'required (a value, a list a,b,c or a range start:end:step)'

function stringInput(required: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? required : 'expected one value, got several') })
}

function reportSyntaxError(error: unknown, ctx: z.core.$RefinementCtx<string>): typeof z.NEVER {
  if (!(error instanceof RangeSyntaxError)) throw error
  ctx.addIssue({ code: 'custom', message: error.message, input: ctx.value })
  return z.NEVER
}

/** A zod schema turning range text (`4,7,10`, `0.5:1:0.05`) into its values. */
export function rangeSchema(domain: RangeDomain, maxPoints: number = MAX_RANGE_POINTS) {
  return stringInput(REQUIRED).transform((text, ctx): number[] => {
    try {
      return parseRange(text, domain, maxPoints)
    } catch (error) {
      return reportSyntaxError(error, ctx)
    }
  })
}

/** A zod schema turning the text of one value into a number of the domain. */
export function scalarSchema(domain: RangeDomain) {
  return stringInput('required').transform((text, ctx): number => {
    try {
      return parseScalar(text, domain)
    } catch (error) {
      return reportSyntaxError(error, ctx)
    }
  })
}
