import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '@pbft/protocol'
import fp from 'fastify-plugin'
import { Server, type Socket } from 'socket.io'
import type { SessionRole } from '../sessions/sessionCommands'
import type { TokenBucket } from './rateLimit'
import { SlicedQueue } from './slicedQueue'

/** What the gateway keeps on each socket. */
export interface SocketData {
  role: SessionRole
  bucket: TokenBucket
  /** Whether the socket has entered its session (rooms joined, seat marked online). */
  entered: boolean
}

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

declare module 'fastify' {
  interface FastifyInstance {
    /** The Socket.IO server sharing the HTTP server (see realtime/socketServer.ts). */
    io: IoServer
    /**
     * Paces what a burst of connections asks for (see SlicedQueue): the WebSocket handshakes
     * here, and the gateway's entering of sessions.
     */
    socketAdmissions: SlicedQueue
  }
}

export interface SocketServerOptions {
  /** Largest socket message in bytes (default 64 KiB: payloads are a few hundred bytes). */
  maxHttpBufferSize?: number
  /** The admissions queue (default: turns of at most 3 ms); tests pass one they drive. */
  admissions?: SlicedQueue
  log?: { error(message: string): void }
}

/**
 * Socket.IO on Fastify's own HTTP server, built before the services so that they are handed
 * its rooms as their output (see realtime/socketSink.ts) rather than given a sink later; the
 * gateway attaches the event handlers once the services exist (realtime/gateway.ts).
 * `fastify-socket.io` is unmaintained and Fastify-4 only, hence this plugin. Sockets are
 * disconnected in `preClose`: otherwise `app.close()` would wait for every connected phone.
 *
 * Connection-state recovery is off on purpose: it would skip the handshake middleware on
 * reconnection (so a kicked seat's socket could come back), and a returning phone is sent its
 * whole view on connect anyway. Pages of other sites may not open a socket (a guest socket can
 * claim a seat; see OriginPolicy), and in a cluster the Redis streams adapter carries room
 * emits between processes.
 */
export const socketServer = fp<SocketServerOptions>(
  async (app, options) => {
    // Turns of at most 3 ms leave room for acts and timers well within the 20 ms the loop may lag.
    const admissions = options.admissions ?? new SlicedQueue(3, (error) => options.log?.error(`socket admission failed: ${String(error)}`))
    const adapter = app.clusterLink?.adapter()
    let closing = false
    const io: IoServer = new Server(app.server, {
      path: SOCKET_PATH,
      serveClient: false,
      maxHttpBufferSize: options.maxHttpBufferSize ?? 64 * 1024,
      // Phones on classroom Wi-Fi stall: about half a minute of silence before a seat counts as away.
      pingInterval: 10_000,
      pingTimeout: 20_000,
      ...(adapter ? { adapter } : {}),
      // A class connecting at once brings a hundred WebSocket upgrades into one poll phase, and
      // accepting each (handshake, open packet) in that phase held the loop for tens of ms.
      // They are accepted in the admissions' slices instead, so acts and timers are served in
      // between; everything a connection does next (connect, claim, enter) follows at that pace.
      allowRequest: (request, accept) => {
        if (!app.originPolicy.allows(request)) return accept('origin not allowed', false)
        admissions.add(() => accept(closing ? 'the server is shutting down' : null, !closing))
      },
    })
    app.decorate('io', io)
    app.decorate('socketAdmissions', admissions)
    app.addHook('preClose', async () => {
      // Upgrades still waiting for their turn are refused (403) when it comes.
      closing = true
      // This process's sockets only: in a cluster the others keep serving theirs.
      io.local.disconnectSockets(true)
      // Also drops engine.io connections that never joined a namespace (long-polling ones).
      io.engine.close()
    })
  },
  {
    fastify: '5.x',
    name: 'pbft-socket-server',
    dependencies: ['pbft-origin-guards', 'pbft-cluster-link'],
    decorators: { fastify: ['originPolicy', 'clusterLink'] },
  },
)
