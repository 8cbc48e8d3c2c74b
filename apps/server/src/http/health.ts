import type { FastifyInstance } from 'fastify'
import type { HealthResponse } from '@pbft/protocol'

const startedAt = Date.now()

export function registerHealthRoute(app: FastifyInstance, version: string): void {
  app.get('/api/health', async (): Promise<HealthResponse> => ({
    status: 'ok',
    version,
    uptimeSeconds: (Date.now() - startedAt) / 1000,
  }))
}
