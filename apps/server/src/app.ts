import Fastify, { type FastifyInstance } from 'fastify'
import { installErrorHandlers } from './http/errors'
import { registerHealthRoute } from './http/health'
import { registerWebApp } from './http/webApp'

export interface AppOptions {
  webRoot: string
  logger?: boolean
}

export const VERSION = '0.1.0'

/** Builds the HTTP app without listening, so tests and main.ts share one wiring. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 256 * 1024 })
  installErrorHandlers(app)
  registerHealthRoute(app, VERSION)
  await registerWebApp(app, options.webRoot)
  return app
}
