import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { HealthResponse } from '@pbft/protocol'

const startedAt = Date.now()

/**
 * Liveness and version. `problems` lists what needs a person's look (a quarantined snapshot
 * file, …): then the status is `degraded`, still with 200, because the server does serve.
 */
export function registerHealthRoute(app: FastifyInstance, version: string, problems: () => readonly string[] = () => []): void {
  app.get('/api/health', async (): Promise<HealthResponse> => {
    const found = problems()
    return {
      status: found.length > 0 ? 'degraded' : 'ok',
      version,
      uptimeSeconds: (Date.now() - startedAt) / 1000,
      ...(found.length > 0 ? { problems: [...found] } : {}),
    }
  })
}

/** `/api/health`, reporting the session service's problems (a quarantined snapshot, …). */
export const healthRoute = fp<{ version: string }>(
  async (app, options) => registerHealthRoute(app, options.version, () => app.sessions.problems()),
  { fastify: '5.x', name: 'pbft-health-route', dependencies: ['pbft-sessions'], decorators: { fastify: ['sessions'] } },
)
