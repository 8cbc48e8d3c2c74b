import fp from 'fastify-plugin'
import { socketSink } from '../realtime/socketSink'
import type { SessionServiceOptions } from '../sessions/serviceOptions'
import { SessionService } from '../sessions/sessionService'

declare module 'fastify' {
  interface FastifyInstance {
    /** The live classroom sessions (see sessions/sessionService.ts). */
    sessions: SessionService
  }
}

/** What an app (or a test) may tune of the session service; its collaborators come from the app. */
export type SessionServiceTuning = Omit<SessionServiceOptions, 'store' | 'sink' | 'ownership'>

/**
 * The session service, built with everything it talks to: the store, the socket server's rooms
 * as its output (built before it, so no sink is set later) and, in a cluster, the leases that
 * reserve new session ids. It stops in `preClose`, after the sockets are gone, writing its
 * last saves before the store closes.
 */
export const sessions = fp<SessionServiceTuning>(
  async (app, options) => {
    const service = await SessionService.open({
      log: app.log,
      ...options,
      store: app.store,
      sink: socketSink(app.io),
      ...(app.clusterLink ? { ownership: app.clusterLink.ownership } : {}),
    })
    app.decorate('sessions', service)
    app.addHook('preClose', async () => service.close())
  },
  {
    fastify: '5.x',
    name: 'pbft-sessions',
    dependencies: ['pbft-store', 'pbft-socket-server', 'pbft-cluster-link'],
    decorators: { fastify: ['store', 'io', 'clusterLink'] },
  },
)
