import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp, type AppOptions } from '../../../server/src/app'

/** The built web app the server serves. */
export const WEB_DIST = fileURLToPath(new URL('../../dist', import.meta.url))

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string
  close(): Promise<void>
}

/**
 * The real server, in this process, on a free port of the loopback interface, serving
 * apps/web/dist: the same wiring as `pnpm start`, with an in-memory store. `options` are
 * buildApp's (session tuning, publicUrl, …).
 */
export async function startServer(options: Omit<AppOptions, 'webRoot'> = {}): Promise<RunningServer> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(`${WEB_DIST} has no build: run \`pnpm --filter @pbft/web build\` first (the root \`pnpm test\` does)`)
  }
  // Join links stay on 127.0.0.1 (not the machine's LAN address) unless a test says otherwise.
  const app = await buildApp({ lanAddress: null, ...options, webRoot: WEB_DIST })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}
