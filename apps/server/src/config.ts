import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/** Where the built web app lives, relative to this file: apps/web/dist. */
const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url))

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  WEB_ROOT: z.string().min(1).default(DEFAULT_WEB_ROOT),
  /** Join links and QR codes use it when phones reach the server by another address. */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'PUBLIC_URL must be an http(s) URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
})

export type ServerConfig = z.infer<typeof Env>

/** Reads the server's settings from the environment; a bad value stops start-up with a clear message. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = Env.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`invalid environment: ${problems}`)
  }
  return parsed.data
}
