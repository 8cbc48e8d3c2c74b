import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { DomainError } from '../errors/domainError'
import { httpStatus, INTERNAL, refusal } from '../errors/refusals'

/** The one error shape every route answers with: `{ "error": { "code", "message" } }`. */
export interface ErrorBody {
  error: { code: string; message: string }
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } }
}

/** Fastify names the request parts after its schema keys; our messages use the shorter names. */
const PART_NAMES: Record<string, string> = { querystring: 'query', body: 'body', params: 'params', headers: 'headers' }

/**
 * Schema validation failed (the zod type provider or Ajv): one line naming the first bad
 * field, e.g. `query.p: 1.5 is not a probability in [0, 1]`, like `parseOr400` says it.
 */
function validationMessage(error: FastifyError): string {
  const part = PART_NAMES[error.validationContext ?? ''] ?? error.validationContext ?? 'request'
  const first = error.validation?.[0]
  if (!first) return `${part}: ${error.message}`
  const path = first.instancePath.split('/').filter((segment) => segment !== '')
  return `${[part, ...path].join('.')}: ${first.message ?? 'is invalid'}`
}

/**
 * Domain refusals are answered through the table of errors/refusals.ts (a 503 among them is a
 * deliberate, explained refusal, logged as a warning). Fastify's own errors (bad JSON, body too
 * large, …) carry a statusCode: kept for 4xx so clients learn what they did wrong. Every schema
 * validation failure has the code VALIDATION, whichever validator found it. Anything else is
 * an internal error and its details are never sent.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    if (error instanceof DomainError) {
      const status = httpStatus(error)
      if (status >= 500) request.log.warn(error.message)
      const { code, message } = refusal(error)
      void reply.status(status).send(errorBody(code, message))
      return
    }
    if (error.validation) {
      void reply.status(400).send(errorBody('VALIDATION', validationMessage(error)))
      return
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) {
      request.log.error(error)
      void reply.status(500).send(errorBody(INTERNAL.code, INTERNAL.message))
      return
    }
    void reply.status(status).send(errorBody(error.code ?? 'BAD_REQUEST', error.message))
  })
}

/**
 * Errors Fastify's router raises before any route or error handler runs (a path with a bad
 * percent escape: FST_ERR_BAD_URL 400; a path parameter over maxParamLength: 414). Without this
 * (the `frameworkErrors` option of the Fastify constructor) they are answered as
 * `{ error: "Bad Request", code, message, statusCode }`, not our shape. Found by the HTTP fuzz.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400
  void reply.status(status).send(errorBody(error.code ?? 'BAD_REQUEST', error.message))
}

/** The error handler of the whole app (not encapsulated: every route's errors come here). */
export const errorHandling = fp(async (app) => installErrorHandlers(app), { fastify: '5.x', name: 'pbft-errors' })
