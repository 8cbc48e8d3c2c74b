import { describe, expect, it } from 'vitest'
import {
  integerDomain,
  MAX_RANGE_POINTS,
  parseRange,
  parseScalar,
  PROBABILITY,
  rangeSchema,
  RangeSyntaxError,
  scalarSchema,
} from '../src/ranges'

const NODES = integerDomain(1, 10_000)

describe('parseRange: values and lists', () => {
  it('reads one value', () => {
    expect(parseRange('0.9', PROBABILITY)).toEqual([0.9])
    expect(parseRange('10', NODES)).toEqual([10])
  })

  it('reads comma lists in the order written, spaces allowed', () => {
    expect(parseRange('4,7,10', NODES)).toEqual([4, 7, 10])
    expect(parseRange(' 10 , 4 ', NODES)).toEqual([10, 4])
  })

  it('reads lists mixing values and ranges', () => {
    expect(parseRange('4,7,10:40:10', NODES)).toEqual([4, 7, 10, 20, 30, 40])
  })

  it('accepts plain decimal and exponent notation', () => {
    expect(parseRange('.5,1e-1,+1', PROBABILITY)).toEqual([0.5, 0.1, 1])
  })
})

describe('parseRange: start:end:step', () => {
  it('gives exactly the 11 clean values of 0.5:1:0.05, end included', () => {
    const values = parseRange('0.5:1:0.05', PROBABILITY)
    expect(values).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1])
    expect(values.map(String)).toContain('0.55')
  })

  it('gives 101 values for 0:1:0.01 and 51 for 0.5:1:0.01, each printing as its decimal', () => {
    const hundredths = parseRange('0:1:0.01', PROBABILITY)
    expect(hundredths).toHaveLength(101)
    expect(hundredths.every((value, i) => String(value) === String(i / 100))).toBe(true)
    expect(parseRange('0.5:1:0.01', PROBABILITY)).toHaveLength(51)
  })

  it('counts float steps that accumulate error, like 0.1 ten times', () => {
    expect(parseRange('0:1:0.1', PROBABILITY)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1])
    expect(parseRange('0.7:0.9:0.1', PROBABILITY)).toEqual([0.7, 0.8, 0.9])
  })

  it('stops at the last value not beyond the end', () => {
    expect(parseRange('0.5:0.99:0.1', PROBABILITY)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9])
    expect(parseRange('4:10:4', NODES)).toEqual([4, 8])
  })

  it('keeps the start decimals when they are finer than the step', () => {
    expect(parseRange('0.125:0.5:0.1', PROBABILITY)).toEqual([0.125, 0.225, 0.325, 0.425])
  })

  it('steps integers by 1 when no step is given', () => {
    expect(parseRange('4:7', NODES)).toEqual([4, 5, 6, 7])
  })

  it('gives one value when start equals end', () => {
    expect(parseRange('0.9:0.9:0.05', PROBABILITY)).toEqual([0.9])
  })

  it('handles exponent steps', () => {
    const values = parseRange('0:1:1e-3', PROBABILITY)
    expect(values).toHaveLength(1001)
    expect(values[7]).toBe(0.007)
  })
})

describe('parseRange: errors', () => {
  it.each([
    ['1.5', PROBABILITY, '1.5 is not a probability in [0, 1]'],
    ['-0.1', PROBABILITY, '-0.1 is not a probability in [0, 1]'],
    ['0', NODES, '0 is not an integer >= 1'],
    ['4.5', NODES, '4.5 is not an integer >= 1'],
    ['20000', NODES, '20000 is above the limit of 10000'],
    ['abc', PROBABILITY, 'abc is not a number'],
    ['0x10', NODES, '0x10 is not a number'],
    ['Infinity', NODES, 'Infinity is not a number'],
    ['', NODES, 'empty value'],
    ['4,,7', NODES, 'empty item in "4,,7"'],
    ['0.5:1:0', PROBABILITY, 'step 0 in 0.5:1:0 must be > 0'],
    ['0.5:1:-0.1', PROBABILITY, 'step -0.1 in 0.5:1:-0.1 must be > 0'],
    ['1:0.5:0.1', PROBABILITY, 'start 1 is greater than end 0.5 in 1:0.5:0.1'],
    ['0.5:1.5:0.1', PROBABILITY, '1.5 is not a probability in [0, 1]'],
    ['0.5:1', PROBABILITY, '0.5:1 needs a step, e.g. 0.5:1:0.05'],
    ['4:10:1.5', NODES, 'step 1.5 in 4:10:1.5 must be an integer'],
    ['1:2:3:4', NODES, '1:2:3:4 is not a range start:end:step'],
    ['0:1:0.00001', PROBABILITY, '0:1:0.00001 gives 100001 values, more than the 10000 allowed'],
  ])('%s', (text, domain, message) => {
    expect(() => parseRange(text, domain)).toThrow(RangeSyntaxError)
    expect(() => parseRange(text, domain)).toThrow(message)
  })

  it('caps a list of ranges as a whole', () => {
    expect(MAX_RANGE_POINTS).toBe(10_000)
    expect(() => parseRange('1:6000,1:6000', NODES)).toThrow('1:6000,1:6000 gives more than the 10000 values allowed')
    expect(parseRange('1:5000,1:5000', NODES)).toHaveLength(10_000)
  })
})

describe('parseScalar', () => {
  it('reads one value of the domain', () => {
    expect(parseScalar(' 7 ', NODES)).toBe(7)
  })

  it('refuses lists and ranges where one value is expected', () => {
    expect(() => parseScalar('4,7', NODES)).toThrow('4,7 is a list or range, but one value is expected here')
    expect(() => parseScalar('0.5:1:0.1', PROBABILITY)).toThrow('is a list or range')
  })
})

describe('zod schemas', () => {
  it('turn a query-string value into numbers', () => {
    expect(rangeSchema(PROBABILITY).parse('0.8:0.9:0.05')).toEqual([0.8, 0.85, 0.9])
    expect(scalarSchema(NODES).parse('4')).toBe(4)
  })

  it('report the parse error as the issue message', () => {
    const parsed = rangeSchema(PROBABILITY).safeParse('1.5')
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues).toHaveLength(1)
    expect(parsed.error?.issues[0]?.message).toBe('1.5 is not a probability in [0, 1]')
  })

  it('say what is missing or repeated', () => {
    expect(rangeSchema(NODES).safeParse(undefined).error?.issues[0]?.message).toMatch(/^required/)
    expect(scalarSchema(NODES).safeParse(['4', '7']).error?.issues[0]?.message).toBe('expected one value, got several')
  })
})
