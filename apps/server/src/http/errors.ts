import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

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
 * Fastify's own errors (bad JSON, body too large, …) carry a statusCode; keep it for 4xx so
 * clients learn what they did wrong, and never leak internals for anything else. Every
 * schema validation failure has the code VALIDATION, whichever validator found it.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      void reply.status(400).send(errorBody('VALIDATION', validationMessage(error)))
      return
    }
    // 503 with a code is a deliberate, explained refusal (STORAGE: the disk is full; UNAVAILABLE:
    // shutting down), not an internal error: the client gets its code and message.
    if (error.statusCode === 503 && error.code) {
      request.log.warn(error.message)
      void reply.status(503).send(errorBody(error.code, error.message))
      return
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) request.log.error(error)
    const code = status === 500 ? 'INTERNAL' : (error.code ?? 'BAD_REQUEST')
    const message = status === 500 ? 'internal server error' : error.message
    void reply.status(status).send(errorBody(code, message))
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
