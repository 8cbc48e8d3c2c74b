import fp from 'fastify-plugin'
import { MemorySessionStore } from '../store/memorySessionStore'
import type { SessionStore } from '../store/sessionStore'

declare module 'fastify' {
  interface FastifyInstance {
    /** Where sessions and experiments are kept (see store/sessionStore.ts). */
    store: SessionStore
  }
}

/**
 * The store the app was given, else the cluster's Redis store, else memory. It closes in
 * `onClose`, which runs after every `preClose` (where the services write their last saves).
 */
export const sessionStore = fp<{ store?: SessionStore }>(
  async (app, options) => {
    const store = options.store ?? app.clusterLink?.store ?? new MemorySessionStore()
    app.decorate('store', store)
    app.addHook('onClose', async () => store.close())
  },
  { fastify: '5.x', name: 'pbft-store', dependencies: ['pbft-cluster-link'], decorators: { fastify: ['clusterLink'] } },
)
