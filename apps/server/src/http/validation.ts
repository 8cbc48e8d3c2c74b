import type { z } from 'zod'

/** Where a bad value came from, so the message names it like `query.p` or `body.rounds`. */
export type RequestPart = 'body' | 'query' | 'params'

/**
 * A client mistake with its HTTP status and stable machine code. The app's error handler
 * (errors.ts) turns any 4xx error carrying `statusCode` and `code` into `{ error: { code, message } }`.
 */
export class HttpError extends Error {
  override name = 'HttpError'
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** One line for the first problem of a failed parse: `query.p: 1.5 is not a probability in [0, 1]`. */
export function describeIssue(error: z.ZodError, where: RequestPart): string {
  const issue = error.issues[0]
  if (!issue) return `${where}: invalid`
  const path = [where, ...issue.path.map(String)].join('.')
  return `${path}: ${issue.message}`
}

/** Parses request input with a zod schema, or throws a 400 VALIDATION naming the field. */
export function parseOr400<T>(schema: z.ZodType<T>, input: unknown, where: RequestPart): T {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  throw new HttpError(400, 'VALIDATION', describeIssue(parsed.error, where))
}

export function badRequest(message: string): never {
  throw new HttpError(400, 'VALIDATION', message)
}

export function notFound(message: string): never {
  throw new HttpError(404, 'NOT_FOUND', message)
}

export function conflict(message: string): never {
  throw new HttpError(409, 'CONFLICT', message)
}

export function forbidden(message: string): never {
  throw new HttpError(403, 'FORBIDDEN', message)
}

export function unauthorized(message: string): never {
  throw new HttpError(401, 'UNAUTHORIZED', message)
}
