import { buildApp } from './app'
import { configFromEnv } from './config'
import { FileSessionStore } from './store/fileSessionStore'

async function main(): Promise<void> {
  const config = configFromEnv()
  const store = await FileSessionStore.open(config.DATA_DIR)
  const app = await buildApp({ webRoot: config.WEB_ROOT, logger: true, store, publicUrl: config.PUBLIC_URL })
  for (const warning of store.warnings) app.log.warn(warning)
  app.log.info(`${app.sessions.size} session(s) loaded from ${config.DATA_DIR}`)
  const close = async (): Promise<void> => {
    await app.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void close())
  process.once('SIGTERM', () => void close())
  await app.listen({ port: config.PORT, host: config.HOST })
}

main().catch((error: unknown) => {
  console.error(`pbft server: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
