import { describe, expect, it } from 'vitest'
import { TokenBucket } from '../../src/realtime/rateLimit'

describe('TokenBucket', () => {
  it('allows a burst, then the steady rate', () => {
    let now = 0
    const bucket = new TokenBucket(20, 40, () => now)
    const burst = Array.from({ length: 45 }, () => bucket.take())
    expect(burst.filter(Boolean)).toHaveLength(40)
    now += 100 // 2 tokens at 20/s
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false])
    now += 60_000
    expect(Array.from({ length: 50 }, () => bucket.take()).filter(Boolean)).toHaveLength(40)
  })
})
