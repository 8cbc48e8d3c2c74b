import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Host and seat tokens: 32 random bytes, base64url. Only their SHA-256 is kept (in memory and
 * on disk), so a stolen data directory does not let anyone act as a seat or the host.
 */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Constant-time comparison of two token hashes (hex SHA-256). */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === 32 && right.length === 32 && timingSafeEqual(left, right)
}

/** Whether `token` is the one whose hash is `hash` (false for a missing token or hash). */
export function tokenMatches(token: string | undefined, hash: string | null): boolean {
  if (token === undefined || hash === null) return false
  return sameHash(hashToken(token), hash)
}

/**
 * What a seat remembers of who claimed it: a hash of the client's address (so that a kick can
 * bar that client), not the address itself.
 */
export function clientKey(address: string): string {
  return createHash('sha256').update(`client:${address}`, 'utf8').digest('hex').slice(0, 32)
}
