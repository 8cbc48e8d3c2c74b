import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

/** A throwaway redis-server on a free loopback port, without persistence. */
export interface RedisServer {
  url: string
  port: number
  /** A new client on this server (the caller closes it). */
  client(): Redis
  stop(): Promise<void>
}

const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server']

function redisBinary(): string {
  const found = CANDIDATES.find((path) => existsSync(path))
  if (found) return found
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(`${dir}/redis-server`)) return `${dir}/redis-server`
  }
  throw new Error(
    'redis-server is not installed, so the Redis store and cluster tests cannot run (they skip nothing). ' +
      "./start.sh installs it (Debian: apt-get install redis-server); then run the tests again.",
  )
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Starts redis-server and resolves once it answers PING (or rejects with its output). */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = redisBinary()
  const port = await freePort()
  const child: ChildProcess = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)))
    child.once('error', (error) => reject(error))
  })
  exited.catch(() => undefined)
  const url = `redis://127.0.0.1:${port}`
  const ready = (async () => {
    const started = Date.now()
    for (;;) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      probe.on('error', () => undefined) // refused until the server listens: expected
      try {
        await probe.connect()
        if ((await probe.ping()) === 'PONG') return
      } catch {
        if (Date.now() - started > 10_000) throw new Error(`redis-server on port ${port} did not answer within 10 s:\n${output}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      } finally {
        probe.disconnect()
      }
    }
  })()
  await Promise.race([ready, exited])
  return {
    url,
    port,
    client: () => new Redis(url, { maxRetriesPerRequest: 2 }).on('error', () => undefined),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
      }),
  }
}
