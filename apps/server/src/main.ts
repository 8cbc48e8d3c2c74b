import { buildApp } from './app'
import type { FastifyInstance } from 'fastify'
import { configFromEnv, experimentsPerClient, lookupsPerClient, sessionLifetime, sessionsPerClient, type ServerConfig } from './config'
import { FileSessionStore } from './store/fileSessionStore'

async function main(): Promise<void> {
  const config = configFromEnv()
  const app = config.REDIS_URL === undefined ? await embedded(config) : await clustered(config, config.REDIS_URL)
  const close = async (): Promise<void> => {
    await app.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void close())
  process.once('SIGTERM', () => void close())
  await app.listen({ port: config.PORT, host: config.HOST })
}

/** One process, sessions under DATA_DIR (the default). */
async function embedded(config: ServerConfig): Promise<FastifyInstance> {
  // The store warns at run time too (a background snapshot that failed and will be retried);
  // until the logger exists its warnings are kept in `store.warnings` and logged below.
  let warn: ((message: string) => void) | null = null
  const store = await FileSessionStore.open(config.DATA_DIR, { onWarning: (message) => warn?.(message) })
  const app = await buildApp({
    webRoot: config.WEB_ROOT,
    logger: true,
    store,
    publicUrl: config.PUBLIC_URL,
    sessions: {
      sessionsPerClient: sessionsPerClient(config.SESSIONS_PER_CLIENT),
      lookupsPerClient: lookupsPerClient(config.LOOKUPS_PER_CLIENT),
      lifetime: sessionLifetime(config),
    },
    experiments: { quotas: experimentsPerClient(config.EXPERIMENTS_PER_CLIENT) },
  })
  for (const warning of store.warnings) app.log.warn(warning)
  warn = (message) => app.log.warn(`session store: ${message}`)
  app.log.info(`${app.sessions.storedCount} session(s) stored in ${config.DATA_DIR}, ${app.sessions.size} loaded (running rounds; the others load when first used)`)
  return app
}

/** One of many processes sharing sessions through Redis (REDIS_URL). */
async function clustered(config: ServerConfig, redisUrl: string): Promise<FastifyInstance> {
  const app = await buildApp({
    webRoot: config.WEB_ROOT,
    logger: true,
    publicUrl: config.PUBLIC_URL,
    sessions: { sessionsPerClient: sessionsPerClient(config.SESSIONS_PER_CLIENT), lookupsPerClient: lookupsPerClient(config.LOOKUPS_PER_CLIENT) },
    experiments: { quotas: experimentsPerClient(config.EXPERIMENTS_PER_CLIENT) },
    cluster: { redisUrl, instanceId: config.INSTANCE_ID, leaseTtlMs: config.LEASE_TTL_MS, sessionTtlMs: sessionLifetime(config).ttlMs },
  })
  app.log.info(`instance ${app.cluster?.instanceId ?? '?'}: sessions in Redis, each owned by one instance at a time`)
  return app
}

main().catch((error: unknown) => {
  console.error(`pbft server: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
