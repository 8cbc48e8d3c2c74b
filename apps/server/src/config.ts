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
  /**
   * Many machines: sessions, experiments and socket rooms shared through this Redis (see
   * docs/operations.md). Unset or empty: the embedded store under DATA_DIR, one process.
   */
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'REDIS_URL must be a redis:// or rediss:// URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** This process's name in session leases (default: host name, pid and a random suffix). */
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'INSTANCE_ID may use letters, digits and _ . : - (at most 100)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** How long a dead owner keeps its sessions before another process takes them (ms, default 10000). */
  LEASE_TTL_MS: z.coerce.number().int().min(300).max(600_000).optional(),
  /**
   * Sessions one client address may create per 10 minutes (default 20; 0 turns the limit off,
   * e.g. for load tests or a whole school behind one NAT address).
   */
  SESSIONS_PER_CLIENT: z.coerce.number().int().min(0).max(100_000).optional(),
  /**
   * Unknown session codes one client address may look up at once (default 30, regained at
   * 1/s); 0 turns the limit off (a school whose phones share one NAT address).
   */
  LOOKUPS_PER_CLIENT: z.coerce.number().int().min(0).max(100_000).optional(),
  /** A session nothing changed in for this many days is deleted (default 30; fractions allowed). */
  SESSION_TTL_DAYS: z.coerce.number().positive().max(3650).optional(),
  /** Sessions the server keeps at most (default 2000); see docs/operations.md for what happens at the cap. */
  MAX_SESSIONS: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** Experiments one client address may create per 10 minutes (default 20; 0 turns the limit off). */
  EXPERIMENTS_PER_CLIENT: z.coerce.number().int().min(0).max(100_000).optional(),
})

/** The session service's `lookupsPerClient` option for a LOOKUPS_PER_CLIENT value. */
export function lookupsPerClient(value: number | undefined): { burst: number; perSecond: number } | null | undefined {
  if (value === undefined) return undefined
  return value === 0 ? null : { burst: value, perSecond: 1 }
}

/** The session service's `lifetime` option from SESSION_TTL_DAYS and MAX_SESSIONS (undefined fields: defaults). */
export function sessionLifetime(config: Pick<ServerConfig, 'SESSION_TTL_DAYS' | 'MAX_SESSIONS'>): { ttlMs?: number; maxSessions?: number } {
  return {
    ...(config.SESSION_TTL_DAYS === undefined ? {} : { ttlMs: Math.round(config.SESSION_TTL_DAYS * 24 * 60 * 60 * 1000) }),
    ...(config.MAX_SESSIONS === undefined ? {} : { maxSessions: config.MAX_SESSIONS }),
  }
}

/** The experiments' `quotas` option for an EXPERIMENTS_PER_CLIENT value (undefined: the defaults). */
export function experimentsPerClient(value: number | undefined): { creations: { max: number; windowMs: number } | null } | undefined {
  if (value === undefined) return undefined
  return { creations: value === 0 ? null : { max: value, windowMs: 10 * 60_000 } }
}

/** The session service's `sessionsPerClient` option for a SESSIONS_PER_CLIENT value. */
export function sessionsPerClient(value: number | undefined): { maxSessions: number; windowMs: number } | null | undefined {
  if (value === undefined) return undefined
  return value === 0 ? null : { maxSessions: value, windowMs: 10 * 60_000 }
}

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
