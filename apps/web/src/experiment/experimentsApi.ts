import { ApiError as ExperimentApiError, call, ServerUnavailableError, type Fetch } from '../apiClient'
import {
  ExperimentCreated,
  ExperimentRecord,
  type ExperimentCreated as Created,
  type QuorumRule,
} from '@pbft/protocol'

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
