import { ApiErrorResponse } from '@pbft/protocol'

/**
 * JSON over HTTP to our own server, with its one error shape (`{ error: { code, message } }`)
 * turned into an ApiError, and "no answer at all" into ServerUnavailableError.
 */

/** The server answered with an error the user can act on (`{ error: { code, message } }`). */
export class ApiError extends Error {
  override name = 'ApiError'
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

export type Fetch = typeof fetch

/** Gateways without an upstream: the server is down or restarting. */
const GATEWAY_STATUSES = new Set([502, 503, 504])

export async function call(fetchImpl: Fetch, url: string, init?: RequestInit): Promise<unknown> {
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
  if (problem.success) throw new ApiError(response.status, problem.data.error.code, problem.data.error.message)
  throw new ApiError(response.status, 'HTTP', `HTTP ${response.status}`)
}
