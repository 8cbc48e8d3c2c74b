import {
  ApiErrorResponse,
  ExperimentCreated,
  ExperimentRecord,
  type ExperimentCreated as Created,
} from '@pbft/protocol'

/**
 * The client of the server's experiment API (`/api/experiments`). Answers are checked against
 * the protocol's schemas, so a server that drifts from the contract fails loudly here rather
 * than drawing nonsense.
 */

/** The server answered with an error the user can act on (`{ error: { code, message } }`). */
export class ExperimentApiError extends Error {
  override name = 'ExperimentApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** No server, or not one that runs experiments: the caller may compute in the browser instead. */
export class ServerUnavailableError extends Error {
  override name = 'ServerUnavailableError'
}

// The versions are for exports; an older server without them still has usable results.
const RecordAnswer = ExperimentRecord.partial({ appVersion: true, engineVersion: true })
export type ExperimentRecordAnswer = ReturnType<typeof RecordAnswer.parse>

export interface ExperimentRequestBody {
  nodes: number[]
  p: number[]
  rounds: number
  seed: number
}

type Fetch = typeof fetch

/** Gateways without an upstream: the server is down or restarting. */
const GATEWAY_STATUSES = new Set([502, 503, 504])

async function call(fetchImpl: Fetch, url: string, init?: RequestInit): Promise<unknown> {
  let response: Response
  try {
    response = await fetchImpl(url, { ...init, headers: { accept: 'application/json', ...init?.headers } })
  } catch (error) {
    // fetch rejects only when no HTTP answer came back at all.
    throw new ServerUnavailableError(error instanceof Error ? error.message : String(error))
  }
  const body: unknown = await response.json().catch(() => null)
  if (response.ok) return body
  if (GATEWAY_STATUSES.has(response.status)) throw new ServerUnavailableError(`HTTP ${response.status}`)
  const problem = ApiErrorResponse.safeParse(body)
  if (problem.success) throw new ExperimentApiError(response.status, problem.data.error.code, problem.data.error.message)
  throw new ExperimentApiError(response.status, 'HTTP', `HTTP ${response.status}`)
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

export async function cancelExperiment(id: string, fetchImpl: Fetch = fetch): Promise<void> {
  await call(fetchImpl, `/api/experiments/${encodeURIComponent(id)}`, { method: 'DELETE' })
}
