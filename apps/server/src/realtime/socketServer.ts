import { SOCKET_PATH } from '@pbft/protocol'
import type { FastifyInstance } from 'fastify'
import { Server, type ServerOptions } from 'socket.io'
import type { OriginPolicy } from '../http/originPolicy'
import type { SessionService } from '../sessions/sessionService'
import { attachGateway, type GatewayOptions, type IoServer } from './gateway'
import { SlicedQueue } from './slicedQueue'
import { socketSink } from './socketSink'

declare module 'fastify' {
  interface FastifyInstance {
    /** The Socket.IO server sharing the HTTP server (see realtime/socketServer.ts). */
    io: IoServer
  }
}

export interface SocketServerOptions extends GatewayOptions {
  /** Largest socket message in bytes (default 64 KiB: payloads are a few hundred bytes). */
  maxHttpBufferSize?: number
  /** Which page origins may open a socket (default: any; buildApp passes the app's policy). */
  originPolicy?: OriginPolicy
  /** Cluster mode: the adapter that carries room emits between processes (default: in memory). */
  adapter?: ServerOptions['adapter']
}

/**
 * Socket.IO on Fastify's own HTTP server, as a plain function rather than a plugin package
 * (`fastify-socket.io` is unmaintained and Fastify-4 only). Sockets are disconnected in
 * `preClose`: otherwise `app.close()` would wait for every connected phone forever.
 *
 * Connection-state recovery is off on purpose: it would skip the handshake middleware on
 * reconnection (so a kicked seat's socket could come back), and a returning phone is sent its
 * whole view on connect anyway.
 */
export function attachSocketServer(app: FastifyInstance, service: SessionService, options: SocketServerOptions = {}): IoServer {
  // Turns of at most 3 ms leave room for acts and timers well within the 20 ms the loop may lag.
  const admissions = options.admissions ?? new SlicedQueue(3, (error) => options.log?.error(`socket admission failed: ${String(error)}`))
  let closing = false
  const io: IoServer = new Server(app.server, {
    path: SOCKET_PATH,
    serveClient: false,
    maxHttpBufferSize: options.maxHttpBufferSize ?? 64 * 1024,
    // Phones on classroom Wi-Fi stall: about half a minute of silence before a seat counts as away.
    pingInterval: 10_000,
    pingTimeout: 20_000,
    ...(options.adapter ? { adapter: options.adapter } : {}),
    // A class connecting at once brings a hundred WebSocket upgrades into one poll phase, and
    // accepting each (handshake, open packet) in that phase held the loop for tens of ms.
    // They are accepted in the admissions' slices instead, so acts and timers are served in
    // between; everything a connection does next (connect, claim, enter) follows at that pace.
    // A page of another site may not open a socket in a visitor's browser (a guest socket can
    // claim a seat); scripts without an Origin header can (see OriginPolicy).
    allowRequest: (request, accept) => {
      if (options.originPolicy && !options.originPolicy.allows(request)) return accept('origin not allowed', false)
      admissions.add(() => accept(closing ? 'the server is shutting down' : null, !closing))
    },
  })
  attachGateway(io, service, { ...options, admissions })
  service.setSink(socketSink(io))
  app.decorate('io', io)
  app.addHook('preClose', async () => {
    // Upgrades still waiting for their turn are refused (403) when it comes.
    closing = true
    // This process's sockets only: in a cluster the others keep serving theirs.
    io.local.disconnectSockets(true)
    // Also drops engine.io connections that never joined a namespace (long-polling ones).
    io.engine.close()
  })
  return io
}
