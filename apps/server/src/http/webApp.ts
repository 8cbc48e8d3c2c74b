import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { errorBody } from './errors'

/**
 * Serves the built single-page app from the same origin as the API, so one URL (and one QR
 * code) reaches everything. Unknown paths fall back to index.html only for HTML navigations;
 * unknown API calls and missing assets get a JSON 404 instead of a page.
 */
export async function registerWebApp(app: FastifyInstance, webRoot: string): Promise<void> {
  const hasBuild = existsSync(join(webRoot, 'index.html'))
  if (hasBuild) await app.register(fastifyStatic, { root: webRoot, wildcard: false })

  app.setNotFoundHandler((request, reply) => {
    const wantsHtml = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')
    if (hasBuild && wantsHtml && !request.url.startsWith('/api/')) {
      return reply.type('text/html').sendFile('index.html')
    }
    return reply.status(404).send(errorBody('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`))
  })
}
