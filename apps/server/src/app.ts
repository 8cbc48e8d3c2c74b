import Fastify, { LogController, type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { ClusterOptions } from './cluster/link'
import { clientLimits, type ClientLimitOptions } from './http/clientLimits'
import { errorHandling, frameworkErrors } from './http/errors'
import { experimentRoutes } from './http/experimentRoutes'
import { healthRoute } from './http/health'
import { openApi } from './http/openapi'
import { originGuards } from './http/originPolicy'
import { securityHeaders } from './http/securityHeaders'
import { sessionRoutes } from './http/sessionRoutes'
import { registerTheoryRoute } from './http/theory'
import { webApp } from './http/webApp'
import { cluster, clusterLink } from './plugins/cluster'
import { experiments, type ExperimentTuning } from './plugins/experiments'
import { sessions, type SessionServiceTuning } from './plugins/sessions'
import { sessionStore } from './plugins/store'
import { gateway, type GatewayOptions } from './realtime/gateway'
import { socketServer, type SocketServerOptions } from './realtime/socketServer'
import type { SessionStore } from './store/sessionStore'

export interface AppOptions {
  webRoot: string
  logger?: boolean
  /** Where sessions and experiments live (default: in memory). The app closes it when it closes. */
  store?: SessionStore
  /** Base URL of join links, e.g. http://192.168.1.20:3000; default: the request's origin. */
  publicUrl?: string
  /**
   * The LAN address that replaces `localhost` in join links when there is no publicUrl
   * (default: the machine's first external IPv4). Tests pass null to stay on loopback.
   */
  lanAddress?: string | null
  /**
   * Session service tuning (clock, view interval, …) and the per-client limits of the session
   * routes and socket handshakes (SESSIONS_PER_CLIENT, LOOKUPS_PER_CLIENT), for main.ts and tests.
   */
  sessions?: SessionServiceTuning & ClientLimitOptions
  socket?: SocketServerOptions & GatewayOptions
  /** Experiment service tuning (worker threads, kept records, per-address limits …), for tests and load tests. */
  experiments?: ExperimentTuning
  /**
   * Many processes (REDIS_URL): sessions and experiments in Redis (unless `store` is given),
   * one owner process per session, forwarding, and the Socket.IO Redis streams adapter.
   */
  cluster?: ClusterOptions
}

export const VERSION = '0.1.0'

/** The exact-theory route (http/theory.ts) as a plugin, so that it states what it needs too. */
const theoryRoute = fp(registerTheoryRoute, { fastify: '5.x', name: 'pbft-theory-route', dependencies: ['pbft-openapi'] })

/**
 * Builds the HTTP + Socket.IO app without listening, so tests and main.ts share one wiring. Each
 * part is a named Fastify plugin that declares the parts it needs (fastify-plugin checks them
 * at registration), and takes its collaborators from them: nothing is handed over later. The
 * order below is the order of the dependencies; `preClose` hooks run in it (sockets, then the
 * sessions' and experiments' last saves, then the cluster), `onClose` hooks in reverse (the
 * store, then the Redis connections).
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  // No line per request: any client on the network can send thousands a second, and logging
  // each (two synchronous writes) both slowed the event loop and would fill the disk the log
  // goes to. Warnings and errors are still logged, with their request.
  const app = Fastify({ logger: options.logger ?? false, logController: new LogController({ disableRequestLogging: true }), bodyLimit: 256 * 1024, frameworkErrors })
  const { sessionsPerClient, lookupsPerClient, ...sessionTuning } = options.sessions ?? {}
  const { ratePerSecond, burst, ...socketOptions } = options.socket ?? {}
  const joinLinks = { publicUrl: options.publicUrl, lanAddress: options.lanAddress }

  // The HTTP edge, before any route: errors in one shape, other sites' pages refused, headers.
  await app.register(errorHandling)
  await app.register(originGuards, joinLinks)
  await app.register(securityHeaders)
  // @fastify/swagger only documents routes registered after it.
  await app.register(openApi, { version: VERSION })

  // What the services stand on, then the services, each handed its collaborators.
  await app.register(clusterLink, { cluster: options.cluster })
  await app.register(sessionStore, { store: options.store })
  await app.register(socketServer, { log: app.log, ...socketOptions })
  await app.register(sessions, sessionTuning)
  await app.register(experiments, { ...options.experiments, appVersion: VERSION })
  await app.register(cluster)

  // The transports over the services.
  await app.register(clientLimits, { sessionsPerClient, lookupsPerClient })
  await app.register(healthRoute, { version: VERSION })
  await app.register(sessionRoutes, joinLinks)
  await app.register(experimentRoutes, { quotas: options.experiments?.quotas })
  await app.register(theoryRoute)
  await app.register(gateway, { ratePerSecond, burst, log: socketOptions.log ?? app.log })
  await app.register(webApp, { webRoot: options.webRoot })
  return app
}
