import fp from 'fastify-plugin'
import { Cluster } from '../cluster/cluster'
import { ClusterLink, type ClusterOptions } from '../cluster/link'
import { localCommands, type CommandRunner } from '../sessions/sessionCommands'

declare module 'fastify' {
  interface FastifyInstance {
    /** Cluster mode (REDIS_URL): Redis, the fenced store, leases, RPC (see cluster/link.ts); null in a single process. */
    clusterLink: ClusterLink | null
    /** Cluster mode: ownership, forwarding, liveness (see cluster/cluster.ts); null in a single process. */
    cluster: Cluster | null
    /** Runs session commands where each session is: here, or on its owner in a cluster. */
    sessionCommands: CommandRunner
  }
}

/**
 * What a cluster member's services stand on, connected before they are built (a Redis that
 * cannot be reached stops start-up here). Its connections close last: Fastify runs `onClose`
 * hooks last-added first, so after the store (registered later) has closed.
 */
export const clusterLink = fp<{ cluster?: ClusterOptions }>(
  async (app, options) => {
    const link = options.cluster ? await ClusterLink.connect(options.cluster, app.log) : null
    app.decorate('clusterLink', link)
    if (link) app.addHook('onClose', async () => link.disconnect())
  },
  { fastify: '5.x', name: 'pbft-cluster-link' },
)

/**
 * Serving as a cluster member once the services exist (forwarding, ownership, liveness), or,
 * in a single process, running every session command here. Its HTTP forwarding hook must
 * precede the session routes, which depend on this plugin. It shuts down in `preClose` after
 * the sockets, sessions and experiments (registered before it) have stopped and saved.
 */
export const cluster = fp(
  async (app) => {
    const link = app.clusterLink
    const member = link ? await Cluster.start(link, { app, sessions: app.sessions, experiments: app.experiments, io: app.io }) : null
    app.decorate('cluster', member)
    app.decorate('sessionCommands', member?.commands ?? localCommands(app.sessions))
    if (member) app.addHook('preClose', async () => member.shutdown())
  },
  {
    fastify: '5.x',
    name: 'pbft-cluster',
    dependencies: ['pbft-cluster-link', 'pbft-sessions', 'pbft-experiments', 'pbft-socket-server'],
    decorators: { fastify: ['clusterLink', 'sessions', 'experiments', 'io'] },
  },
)
