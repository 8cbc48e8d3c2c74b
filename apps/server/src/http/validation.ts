import type { z } from 'zod'
import { DomainError } from '../errors/domainError'

/** Where a bad value came from, so the message names it like `query.p` or `body.rounds`. */
export type RequestPart = 'body' | 'query' | 'params'

/** One line for the first problem of a failed parse: `query.p: 1.5 is not a probability in [0, 1]`. */
export function describeIssue(error: z.ZodError, where: RequestPart): string {
  const issue = error.issues[0]
  if (!issue) return `${where}: invalid`
  const path = [where, ...issue.path.map(String)].join('.')
  return `${path}: ${issue.message}`
}

/** Parses request input with a zod schema, or refuses it as 400 VALIDATION naming the field. */
export function parseOr400<T>(schema: z.ZodType<T>, input: unknown, where: RequestPart): T {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  throw new DomainError('VALIDATION', describeIssue(parsed.error, where))
}

/** Refuses a request the schemas let through but a rule of the route does not (400 VALIDATION). */
export function badRequest(message: string): never {
  throw new DomainError('VALIDATION', message)
}
