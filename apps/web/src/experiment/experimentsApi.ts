import { ApiError as ExperimentApiError, call, ServerUnavailableError, type Fetch } from '../apiClient'
import {
  ExperimentCreated,
  ExperimentRecord,
  type ExperimentCreated as Created,
  type QuorumRule,
} from '@pbft/protocol'
import { connectSession } from '../session/sessionSocket'

/**
 * The client of the server's experiment API (`/api/experiments`). Answers are checked against
 * the protocol's schemas, so a server that drifts from the contract fails loudly here rather
 * than drawing nonsense.
 */

export { ApiError as ExperimentApiError, ServerUnavailableError } from '../apiClient'

// The versions are for exports; an older server without them still has usable results.
const RecordAnswer = ExperimentRecord.partial({ appVersion: true, engineVersion: true })
export type ExperimentRecordAnswer = ReturnType<typeof RecordAnswer.parse>

export interface ExperimentRequestBody {
  nodes: number[]
  p: number[]
  rounds: number
  seed: number
  /** One rule or both; the server runs every point once per rule. */
  quorumRule?: QuorumRule[]
}

/** Starts a sweep on the server. A server without the route (static hosting, an old build) counts as unavailable. */
export async function createExperiment(body: ExperimentRequestBody, fetchImpl: Fetch = fetch): Promise<Created> {
  try {
    const answer = await call(fetchImpl, '/api/experiments', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return ExperimentCreated.parse(answer)
  } catch (error) {
    if (error instanceof ExperimentApiError && (error.status === 404 || error.status === 405)) {
      throw new ServerUnavailableError(error.message)
    }
    throw error
  }
}

export function getExperiment(id: string, fetchImpl: Fetch = fetch): Promise<ExperimentRecordAnswer> {
  return call(fetchImpl, `/api/experiments/${encodeURIComponent(id)}`).then((answer) => RecordAnswer.parse(answer))
}

/** Cancels a run with the token its creation answered (the server refuses anyone else). */
export async function cancelExperiment(id: string, cancelToken: string, fetchImpl: Fetch = fetch): Promise<void> {
  await call(fetchImpl, `/api/experiments/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${cancelToken}` } })
}

/** What the server pushes about one experiment while a page watches it (socket room `experiment:<id>`). */
export interface ExperimentPushes {
  progress(done: number, total: number): void
  /** The final record: done, cancelled or failed. */
  finished(record: ExperimentRecordAnswer): void
  /**
   * The push is live: connected and watching. Anything pushed before (or while the connection
   * was down) was missed, so the record is read once now.
   */
  live(): void
  /** The push is down (disconnected, or it never connected): the record is polled until it is live again. */
  down(): void
}

/** Watches an experiment's pushes until `close()`. */
export type ExperimentWatcher = (id: string, pushes: ExperimentPushes) => { close(): void }

/**
 * Watches over a socket of its own (no session): `experiment:watch` on every (re)connection,
 * then `experiment:progress` and `experiment:finished` as the server pushes them.
 */
export const watchOverSocket: ExperimentWatcher = (id, pushes) => {
  const socket = connectSession({})
  socket.on('connect', () => {
    socket.emit('experiment:watch', { id }, (ack) => (ack.ok ? pushes.live() : pushes.down()))
  })
  socket.on('disconnect', () => pushes.down())
  socket.on('connect_error', () => pushes.down())
  socket.on('experiment:progress', (event) => {
    if (event.id === id) pushes.progress(event.done, event.total)
  })
  socket.on('experiment:finished', (record) => {
    const parsed = RecordAnswer.safeParse(record)
    if (parsed.success && parsed.data.id === id) pushes.finished(parsed.data)
  })
  return { close: () => socket.disconnect() }
}
