import type { ClientToServerEvents, ServerToClientEvents } from '@pbft/protocol'
import { experimentRoom } from '@pbft/protocol'
import type { Server } from 'socket.io'
import type { ExperimentEvents } from '../experiments/experimentService'
import type { SessionSink } from '../sessions/sink'
import { hostRoom, infoRoom, seatRoom, sessionRoom } from './rooms'

type IoServer = Server<ClientToServerEvents, ServerToClientEvents>

/** The session service's output, as Socket.IO room emits. */
export function socketSink(io: IoServer): SessionSink {
  return {
    sessionInfo: (id, info) => io.to(infoRoom(id)).emit('session:update', info),
    hostView: (id, view) => io.to(hostRoom(id)).emit('host:view', view),
    replicaView: (id, nodeId, view) => io.to(seatRoom(id, nodeId)).emit('replica:view', view),
    roundOutcome: (id, outcome) => io.to(sessionRoom(id)).emit('round:outcome', outcome),
    seatKicked: (id, nodeId, reason) => {
      const room = seatRoom(id, nodeId)
      io.to(room).emit('seat:kicked', { sessionId: id, nodeId, reason })
      // Pending packets are flushed before the connection closes, so the phone reads why.
      io.in(room).disconnectSockets(true)
    },
    sessionClosed: (id) => io.in(sessionRoom(id)).disconnectSockets(true),
  }
}

/** Results beyond which the final record is emitted only to a room that has watchers. */
const LARGE_RECORD_POINTS = 1000

/** Experiment progress, to the sockets that asked to watch the experiment (`experiment:watch`). */
export function socketExperimentEvents(io: IoServer): ExperimentEvents {
  return {
    progress: (id, done, total) => io.to(experimentRoom(id)).emit('experiment:progress', { id, done, total }),
    finished: (id, record) => {
      const room = experimentRoom(id)
      const emit = (): void => void io.to(room).emit('experiment:finished', record)
      if ((record.results?.length ?? 0) < LARGE_RECORD_POINTS) return emit()
      // Socket.IO encodes a packet in one go even for an empty room: ~100 ms of the event loop
      // for 10,000 points (it walks them all looking for binary data, then stringifies them).
      // Most experiments have no watcher (clients poll), so ask first (every instance, in a cluster).
      void io
        .in(room)
        .fetchSockets()
        .then(
          (sockets) => (sockets.length > 0 ? emit() : undefined),
          () => emit(),
        )
    },
  }
}
