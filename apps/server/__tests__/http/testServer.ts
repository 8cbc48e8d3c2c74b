import Fastify, { type FastifyInstance } from 'fastify'
import { registerExperiments, type ExperimentService, type ExperimentServiceOptions } from '../../src/experiments'
import { installErrorHandlers } from '../../src/http/errors'
import { registerOpenApi } from '../../src/http/openapi'
import { registerTheoryRoute } from '../../src/http/theory'
import { registerWebApp } from '../../src/http/webApp'
import { MemorySessionStore } from '../../src/store/memorySessionStore'
import type { SessionStore } from '../../src/store/sessionStore'

export interface TestServer {
  app: FastifyInstance
  base: string
  store: SessionStore
  experiments: ExperimentService
  /** JSON request helper: status and parsed body. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>
}

/** The wiring buildApp uses, on a real port: errors, OpenAPI, routes, then the web app's fallback. */
export async function startTestServer(
  options: { store?: SessionStore; webRoot?: string; service?: Partial<ExperimentServiceOptions> } = {},
): Promise<TestServer> {
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 })
  installErrorHandlers(app)
  await registerOpenApi(app, { version: '0.0.0-test' })
  const store = options.store ?? new MemorySessionStore()
  const experiments = await registerExperiments(app, { store, appVersion: '0.0.0-test', log: app.log, ...options.service })
  await registerTheoryRoute(app)
  if (options.webRoot !== undefined) await registerWebApp(app, options.webRoot)
  app.addHook('onClose', async () => store.close())
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const request = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T }
  }
  return { app, base, store, experiments, request }
}
