// A worker thread of the load generator holding one session's watchers: guest sockets that
// never claim a seat (projectors, second screens). They have their own event loop, as real
// screens have their own CPU: parsing 100 copies of each `session:update` on the phones' loop
// would add the generator's own lag to the phones' act latencies.
import { parentPort, workerData } from 'node:worker_threads'
import { io } from 'socket.io-client'

const { base, sessionId, count } = workerData
const sockets = []
let events = 0
let joined = 0

function connectAll() {
  for (let i = 0; i < count; i++) {
    const socket = io(base, { path: '/socket.io', transports: ['websocket'], forceNew: true, reconnection: false, auth: { sessionId } })
    sockets.push(socket)
    socket.onAny(() => events++)
    socket.on('connect_error', (error) => parentPort.postMessage({ type: 'error', message: `watcher connect_error: ${error.message}` }))
    socket.once('session:update', () => {
      if (++joined === count) parentPort.postMessage({ type: 'joined' })
    })
  }
}

parentPort.on('message', (message) => {
  // Loaded and waiting: the join clock starts when the generator says go.
  if (message.type === 'connect') connectAll()
  if (message.type === 'events') parentPort.postMessage({ type: 'events', events })
  if (message.type === 'close') {
    for (const socket of sockets) socket.disconnect()
    parentPort.postMessage({ type: 'closed', events })
    parentPort.close()
  }
})

parentPort.postMessage({ type: 'ready' })
