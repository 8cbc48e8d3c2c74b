import { describe, expect, it } from 'vitest'
import { hashToken, newToken, sameHash, tokenMatches } from '../../src/sessions/tokens'

describe('tokens', () => {
  it('are 32 random bytes in base64url', () => {
    const token = newToken()
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(token, 'base64url')).toHaveLength(32)
    expect(newToken()).not.toBe(token)
  })

  it('are kept as SHA-256 hashes and compared by hash', () => {
    const token = newToken()
    const hash = hashToken(token)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(tokenMatches(token, hash)).toBe(true)
    expect(tokenMatches(`${token}x`, hash)).toBe(false)
    expect(tokenMatches(undefined, hash)).toBe(false)
    expect(tokenMatches(token, null)).toBe(false)
    expect(sameHash(hash, 'abc')).toBe(false)
  })
})
