import { existsSync } from 'node:fs'
import { join, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { errorBody } from './errors'

/** Built files whose name carries their content hash: they never change, so they are cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Everything else (index.html, favicon): the browser revalidates on each load (a 304 when unchanged). */
const REVALIDATE = 'no-cache'

/**
 * Serves the built single-page app from the same origin as the API, so one URL (and one QR
 * code) reaches everything. Unknown paths fall back to index.html only for HTML navigations;
 * unknown API calls and missing assets get a JSON 404 instead of a page.
 *
 * A class loads the app on ~100 phones at once over one Wi-Fi: the build writes a brotli and a
 * gzip file beside each asset (apps/web/scripts/precompress.ts) and they are sent as they are
 * (`preCompressed`, chosen by Accept-Encoding); the hashed files under `assets/` are cached
 * for a year, `index.html` is revalidated, so a new build reaches every phone on its next load.
 */
export async function registerWebApp(app: FastifyInstance, webRoot: string): Promise<void> {
  const hasBuild = existsSync(join(webRoot, 'index.html'))
  const assets = `${join(webRoot, 'assets')}${sep}`
  if (hasBuild) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, path) => {
        void reply.header('cache-control', path.startsWith(assets) ? IMMUTABLE : REVALIDATE)
      },
    })
  }

  app.setNotFoundHandler((request, reply) => {
    const wantsHtml = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')
    if (hasBuild && wantsHtml && !request.url.startsWith('/api/')) {
      return reply.type('text/html').header('cache-control', REVALIDATE).sendFile('index.html')
    }
    return reply.status(404).send(errorBody('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`))
  })
}

/** The web app and the not-found answers, after every route of the API. */
export const webApp = fp<{ webRoot: string }>(async (app, options) => registerWebApp(app, options.webRoot), { fastify: '5.x', name: 'pbft-web-app' })
