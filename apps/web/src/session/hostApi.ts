import {
  BatchExperimentResponse,
  CreateSessionResponse,
  HistoryResponse,
  RoundTraceResponse,
  SessionInfo,
  SessionStatusResponse,
  type CreateSessionBody,
} from '@pbft/protocol'
import { call, type Fetch } from '../apiClient'

/** REST calls of the host dashboard and the history page (docs/protocol.md, "Sessions"). */

const base = (sessionId: string): string => `/api/sessions/${encodeURIComponent(sessionId)}`
const bearer = (hostToken: string): Record<string, string> => ({ authorization: `Bearer ${hostToken}` })
const defaultFetch: Fetch = (...args) => globalThis.fetch(...args)

export async function createSession(body: CreateSessionBody, fetchImpl: Fetch = defaultFetch): Promise<CreateSessionResponse> {
  const answer = await call(fetchImpl, '/api/sessions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return CreateSessionResponse.parse(answer)
}

export async function getSession(sessionId: string, fetchImpl: Fetch = defaultFetch): Promise<SessionInfo> {
  return SessionInfo.parse(await call(fetchImpl, base(sessionId)))
}

export async function deleteSession(sessionId: string, hostToken: string, fetchImpl: Fetch = defaultFetch): Promise<void> {
  await call(fetchImpl, base(sessionId), { method: 'DELETE', headers: bearer(hostToken) })
}

export async function getSessionStatus(sessionId: string, fetchImpl: Fetch = defaultFetch): Promise<SessionStatusResponse> {
  return SessionStatusResponse.parse(await call(fetchImpl, `${base(sessionId)}/status`))
}

export async function getHistory(sessionId: string, fetchImpl: Fetch = defaultFetch): Promise<HistoryResponse> {
  return HistoryResponse.parse(await call(fetchImpl, `${base(sessionId)}/history`))
}

export async function getRoundTrace(sessionId: string, round: number, fetchImpl: Fetch = defaultFetch): Promise<RoundTraceResponse> {
  return RoundTraceResponse.parse(await call(fetchImpl, `${base(sessionId)}/history?round=${round}`))
}

export async function resetRound(
  sessionId: string,
  hostToken: string,
  fetchImpl: Fetch = defaultFetch,
): Promise<{ sessionId: string; aborted: number | null; status: string }> {
  return (await call(fetchImpl, `${base(sessionId)}/reset-round`, { method: 'POST', headers: bearer(hostToken) })) as {
    sessionId: string
    aborted: number | null
    status: string
  }
}

export async function runBatchExperiment(
  sessionId: string,
  hostToken: string,
  rounds: number,
  seed?: number,
  fetchImpl: Fetch = defaultFetch,
): Promise<BatchExperimentResponse> {
  const query = new URLSearchParams({ rounds: String(rounds) })
  if (seed !== undefined) query.set('seed', String(seed))
  const answer = await call(fetchImpl, `${base(sessionId)}/run-batch-experiment?${query}`, { method: 'POST', headers: bearer(hostToken) })
  return BatchExperimentResponse.parse(answer)
}
