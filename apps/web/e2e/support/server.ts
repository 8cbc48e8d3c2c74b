import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../../../server/src/app'

/** The built web app the server serves. */
export const WEB_DIST = fileURLToPath(new URL('../../dist', import.meta.url))

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string
  close(): Promise<void>
}

/**
 * The real server, in this process, on a free port of the loopback interface, serving
 * apps/web/dist: the same wiring as `pnpm start`, with an in-memory store.
 */
export async function startServer(): Promise<RunningServer> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(`${WEB_DIST} has no build: run \`pnpm --filter @pbft/web build\` first (the root \`pnpm test\` does)`)
  }
  const app = await buildApp({ webRoot: WEB_DIST })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}
