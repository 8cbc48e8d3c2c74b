import Fastify, { type FastifyInstance } from 'fastify'
import { Cluster, type ClusterOptions } from './cluster/cluster'
import { registerExperiments, type ExperimentTuning } from './experiments'
import { frameworkErrors, installErrorHandlers } from './http/errors'
import { registerHealthRoute } from './http/health'
import { registerOpenApi } from './http/openapi'
import { installOriginGuards, OriginPolicy } from './http/originPolicy'
import { registerSecurityHeaders } from './http/securityHeaders'
import { registerSessionRoutes } from './http/sessionRoutes'
import { registerTheoryRoute } from './http/theory'
import { registerWebApp } from './http/webApp'
import { attachSocketServer, type SocketServerOptions } from './realtime/socketServer'
import { socketExperimentEvents } from './realtime/socketSink'
import { SessionService, type SessionServiceOptions } from './sessions/sessionService'
import { MemorySessionStore } from './store/memorySessionStore'
import type { SessionStore } from './store/sessionStore'

declare module 'fastify' {
  interface FastifyInstance {
    /** The live classroom sessions (see sessions/sessionService.ts). */
    sessions: SessionService
    /** Set in cluster mode (REDIS_URL): leases, forwarding, takeover (see cluster/cluster.ts). */
    cluster: Cluster | null
  }
}

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
  /** Session service tuning (clock, view interval, …), for tests. */
  sessions?: Omit<SessionServiceOptions, 'store' | 'sink'>
  socket?: SocketServerOptions
  /** Experiment service tuning (worker threads, kept records, per-address limits …), for tests and load tests. */
  experiments?: ExperimentTuning
  /**
   * Many processes (REDIS_URL): sessions and experiments in Redis (unless `store` is given),
   * one owner process per session, forwarding, and the Socket.IO Redis streams adapter.
   */
  cluster?: ClusterOptions
}

export const VERSION = '0.1.0'

/** Builds the HTTP + Socket.IO app without listening, so tests and main.ts share one wiring. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  // No line per request: any client on the network can send thousands a second, and logging
  // each (two synchronous writes) both slowed the event loop and would fill the disk the log
  // goes to. Warnings and errors are still logged, with their request.
  const app = Fastify({ logger: options.logger ?? false, disableRequestLogging: true, bodyLimit: 256 * 1024, frameworkErrors })
  const cluster = options.cluster ? await Cluster.connect(options.cluster, app.log) : null
  const store = options.store ?? cluster?.store ?? new MemorySessionStore()
  installErrorHandlers(app)
  // Before any route: pages of other sites may not change anything (see originPolicy.ts).
  const originPolicy = new OriginPolicy({ publicUrl: options.publicUrl, lanAddress: options.lanAddress })
  installOriginGuards(app, originPolicy)
  await registerSecurityHeaders(app)
  // Before any route: @fastify/swagger only documents routes registered after it.
  await registerOpenApi(app, { version: VERSION })
  let sessionsRef: SessionService | null = null
  registerHealthRoute(app, VERSION, () => sessionsRef?.problems() ?? [])
  // Before the session routes, so that their requests reach the session's owner.
  cluster?.installHttpForwarding(app)

  const sessions = await SessionService.open({ log: app.log, ...options.sessions, store, ...(cluster ? { ownership: cluster.ownership } : {}) })
  app.decorate('sessions', sessions)
  sessionsRef = sessions
  await registerSessionRoutes(app, sessions, { publicUrl: options.publicUrl, lanAddress: options.lanAddress })

  // ---- experiments and theory (registered as their helper's index.ts documents) ----------
  // In a cluster any instance answers for any experiment: the cluster says where each one runs.
  const experiments = await registerExperiments(app, {
    ...options.experiments,
    store,
    appVersion: VERSION,
    log: app.log,
    ...(cluster ? { registry: cluster.experiments, peers: cluster.experiments } : {}),
  })
  await registerTheoryRoute(app)
  // ----------------------------------------------------------------------------------------

  await registerWebApp(app, options.webRoot)
  const io = attachSocketServer(app, sessions, {
    log: app.log,
    originPolicy,
    ...options.socket,
    ...(cluster ? { remote: cluster.remote, adapter: cluster.adapter() } : {}),
  })
  experiments.events = socketExperimentEvents(io)
  app.decorate('cluster', cluster)
  cluster?.attach(app, sessions, io, experiments)

  // preClose hooks run in order: the sockets are gone (socket server) before timers stop and
  // the last saves are written here; the store closes after every preClose.
  app.addHook('preClose', async () => sessions.close())
  if (cluster) app.addHook('preClose', async () => cluster.shutdown())
  app.addHook('onClose', async () => store.close())
  if (cluster) app.addHook('onClose', async () => cluster.disconnect())
  return app
}
