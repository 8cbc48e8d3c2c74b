import Fastify, { type FastifyInstance } from 'fastify'
import { DEFAULT_EXPERIMENT_QUOTAS, ExperimentService, type ExperimentServiceOptions } from '../../src/experiments'
import { installErrorHandlers } from '../../src/http/errors'
import { registerExperimentRoutes } from '../../src/http/experimentRoutes'
import { registerOpenApi } from '../../src/http/openapi'
import { registerTheoryRoute, type TheoryRouteOptions } from '../../src/http/theory'
import { registerWebApp } from '../../src/http/webApp'
import type { ExperimentTuning } from '../../src/plugins/experiments'
import { MemorySessionStore } from '../../src/store/memorySessionStore'
import type { SessionStore } from '../../src/store/sessionStore'

export interface TestServer {
  app: FastifyInstance
  base: string
  store: SessionStore
  experiments: ExperimentService
  /**
   * JSON request helper: status and parsed body. `token` is sent as a bearer token; `from`
   * plays a client at another address (the request is injected, not sent over the network).
   */
  request<T = unknown>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<{ status: number; body: T }>
}

export interface RequestOptions {
  token?: string
  from?: string
}

/**
 * The experiments' part of buildApp's wiring, on a real port and without sockets: errors,
 * OpenAPI, the service (with these events) and its routes, theory, then the web app's fallback.
 */
export async function startTestServer(
  options: { store?: SessionStore; webRoot?: string; service?: Partial<ExperimentServiceOptions & ExperimentTuning>; theory?: TheoryRouteOptions } = {},
): Promise<TestServer> {
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 })
  installErrorHandlers(app)
  await registerOpenApi(app, { version: '0.0.0-test' })
  const store = options.store ?? new MemorySessionStore()
  const { quotas: given, ...tuning } = options.service ?? {}
  const quotas = { ...DEFAULT_EXPERIMENT_QUOTAS, ...given }
  const experiments = await ExperimentService.open({ store, appVersion: '0.0.0-test', log: app.log, ...tuning, runningPerClient: quotas.runningPerClient })
  app.addHook('preClose', async () => experiments.close())
  await registerExperimentRoutes(app, experiments, { quotas })
  await registerTheoryRoute(app, options.theory)
  if (options.webRoot !== undefined) await registerWebApp(app, options.webRoot)
  app.addHook('onClose', async () => store.close())
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const request = async <T>(method: string, path: string, body?: unknown, { token, from }: RequestOptions = {}) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' }
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    if (from !== undefined) {
      const response = await app.inject({ method: method as 'GET', url: path, headers, payload, remoteAddress: from })
      return { status: response.statusCode, body: (response.body === '' ? undefined : JSON.parse(response.body)) as T }
    }
    const response = await fetch(`${base}${path}`, { method, headers, body: payload })
    const text = await response.text()
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T }
  }
  return { app, base, store, experiments, request }
}
