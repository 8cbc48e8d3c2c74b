import { z } from 'zod'
import { buildApp } from './app'
import { configFromEnv } from './config'
import { FileSessionStore } from './store/fileSessionStore'

/** Join links and the QR code use it when the server sits behind another address than the one phones reach. */
const PublicUrl = z.url({ protocol: /^https?$/, error: 'PUBLIC_URL must be an http(s) URL' }).optional()

async function main(): Promise<void> {
  const config = configFromEnv()
  const publicUrl = PublicUrl.parse(process.env.PUBLIC_URL || undefined)
  const store = await FileSessionStore.open(config.DATA_DIR)
  const app = await buildApp({ webRoot: config.WEB_ROOT, logger: true, store, publicUrl })
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
