import { describe, expect, expectTypeOf, it } from 'vitest'
import { LiveRoundError, type LiveRoundErrorCode } from '../../src/live/errors'

describe('LiveRoundError', () => {
  it('is an Error carrying its code, its message and its own name', () => {
    const error = new LiveRoundError('not-pending', 'replica 2 is not expected to send in prepare now')
    expect(error).toBeInstanceOf(Error)
    expect(error).toBeInstanceOf(LiveRoundError)
    expect(error.code).toBe('not-pending')
    expect(error.message).toBe('replica 2 is not expected to send in prepare now')
    expect(error.name).toBe('LiveRoundError')
    expect(String(error)).toBe('LiveRoundError: replica 2 is not expected to send in prepare now')
    expect(error.stack).toContain('LiveRoundError')
  })

  it('keeps every code apart, so the server can map each to what it tells a phone', () => {
    const codes: LiveRoundErrorCode[] = [
      'not-pending',
      'round-over',
      'not-byzantine',
      'bad-value',
      'unknown-replica',
      'round-not-over',
    ]
    const errors = codes.map((code) => new LiveRoundError(code, code))
    expect(errors.map((error) => error.code)).toEqual(codes)
    expect(new Set(errors.map((error) => error.code)).size).toBe(codes.length)
    // Only these codes exist (checked by `pnpm typecheck`).
    expectTypeOf<LiveRoundErrorCode>().toEqualTypeOf<
      'not-pending' | 'round-over' | 'not-byzantine' | 'bad-value' | 'unknown-replica' | 'round-not-over'
    >()
    expectTypeOf<'some-other-code'>().not.toExtend<LiveRoundErrorCode>()
  })

  it('is caught by a plain Error handler and told apart by instanceof', () => {
    const thrown = (): never => {
      throw new LiveRoundError('round-over', 'the round is over')
    }
    expect(thrown).toThrow(Error)
    expect(thrown).toThrow(LiveRoundError)
    expect(thrown).toThrow('the round is over')
    expect(new Error('x')).not.toBeInstanceOf(LiveRoundError)
  })
})
