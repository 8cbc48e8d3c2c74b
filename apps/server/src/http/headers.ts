import type { FastifyRequest } from 'fastify'

/** Marks a request one instance forwarded to another, so it is never forwarded again (see cluster/forwarding.ts). */
export const FORWARDED_HEADER = 'x-pbft-forwarded-by'

/** The host or cancel token from `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  return match?.[1]
}
