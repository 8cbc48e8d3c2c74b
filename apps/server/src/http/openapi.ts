import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { sendJsonText } from './jsonText'

/** Where the interactive API documentation lives; `${DOCS_PREFIX}/json` is the OpenAPI document. */
export const DOCS_PREFIX = '/docs'

/**
 * Routes declare zod schemas; these compilers make Fastify validate requests and encode
 * responses with them. Safe to call on any scope, any number of times before it is ready.
 */
export function useZodCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
}

/** Only the API belongs in the document: the web app's static files are routes too. */
const transform: typeof jsonSchemaTransform = (document) =>
  document.url.startsWith('/api/') ? jsonSchemaTransform(document) : { schema: { hide: true }, url: document.url }

/**
 * OpenAPI 3 document at /docs/json and Swagger UI at /docs, its assets served from the
 * package (the classroom network is often offline). Must be awaited BEFORE any route is
 * registered: @fastify/swagger only sees routes added after it (route plugins depend on `openApi`).
 */
export async function registerOpenApi(app: FastifyInstance, options: { version: string }): Promise<void> {
  useZodCompilers(app)
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'PBFT classroom server',
        description: 'Sessions, experiments and exact theory. Errors are always `{ "error": { "code", "message" } }`.',
        version: options.version,
      },
      tags: [
        { name: 'experiments', description: 'Monte-Carlo sweeps run on worker threads' },
        { name: 'theory', description: 'The exact success probability' },
      ],
    },
    transform,
  })
  // The document never changes once the app is ready, but @fastify/swagger-ui answers it as an
  // object that Fastify encodes on every call (66 KB, a few ms each): an anonymous client could
  // keep the event loop busy with it. It is encoded once, on first use, and sent as text.
  let encoded: string | null = null
  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiHooks: {
      // A hook that sends its reply ends the request there (`done` is then not called).
      onRequest: (request, reply, done) => {
        if (request.routeOptions.url !== `${DOCS_PREFIX}/json`) return done()
        encoded ??= JSON.stringify(app.swagger())
        sendJsonText(reply, encoded)
      },
    },
  })
}

/** `registerOpenApi` as a plugin: every route plugin names it among its dependencies. */
export const openApi = fp<{ version: string }>(async (app, options) => registerOpenApi(app, options), { fastify: '5.x', name: 'pbft-openapi' })
