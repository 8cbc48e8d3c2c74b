import { buildApp } from './app'
import { configFromEnv } from './config'

async function main(): Promise<void> {
  const config = configFromEnv()
  const app = await buildApp({ webRoot: config.WEB_ROOT, logger: true })
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
