import type { FastifyError, FastifyInstance } from 'fastify'

/** The one error shape every route answers with: `{ "error": { "code", "message" } }`. */
export interface ErrorBody {
  error: { code: string; message: string }
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } }
}

/**
 * Fastify's own errors (bad JSON, body too large, …) carry a statusCode; keep it for 4xx so
 * clients learn what they did wrong, and never leak internals for anything else.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) request.log.error(error)
    const code = status === 500 ? 'INTERNAL' : (error.code ?? 'BAD_REQUEST')
    const message = status === 500 ? 'internal server error' : error.message
    void reply.status(status).send(errorBody(code, message))
  })
}
