import {
  ApiErrorResponse,
  AssignNodeBody,
  AssignNodeResponse,
  BatchExperimentQuery,
  BatchExperimentResponse,
  ConnectedNodesResponse,
  CreateSessionBody,
  CreateSessionResponse,
  HISTORY_SCHEMA_VERSION,
  HistoryQuery,
  LivePhase,
  HistoryResponse,
  RoundTraceResponse,
  SessionInfo,
  SessionParams,
  SeatParams,
  SessionStatus,
  SessionStatusResponse,
  StartRoundPayload,
  UpdateSettingsBody,
  UpdateSettingsResponse,
} from '@pbft/protocol'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { UnknownSessionError } from '../sessions/errors'
import { connectedNodes, sessionInfo, sessionStatus } from '../sessions/views'
import { bearerToken, FORWARDED_HEADER } from './headers'
import { joinOrigin, lanAddress } from './joinOrigin'
import { useZodCompilers } from './openapi'

export interface SessionRoutesOptions {
  /** Base of join links (PUBLIC_URL); the request's own origin when unset. */
  publicUrl?: string
  /** Replaces a loopback host in join links (see joinOrigin); undefined: detect it. */
  lanAddress?: string | null
}

const TAGS = ['sessions']
const HOST_ONLY = 'Host only: `Authorization: Bearer <hostToken>` (401 without it, 403 with a wrong one).'
const errors = { 400: ApiErrorResponse, 401: ApiErrorResponse, 403: ApiErrorResponse, 404: ApiErrorResponse, 409: ApiErrorResponse, 429: ApiErrorResponse }

/**
 * `/api/sessions…`: the original system's routes with its field names, plus `POST …/rounds` for
 * scripts. Each handler parses (by schema), checks the host token where needed, and makes one
 * call on the session service. Registered after the cluster's forwarding hook (a dependency),
 * so that requests for a session held by another instance reach it.
 */
async function registerSessionRoutes(app: FastifyInstance, options: SessionRoutesOptions): Promise<void> {
  const service = app.sessions
  const { sessionCreations: creations, lookups } = app.clientLimits
  await app.register(async (scope) => {
    useZodCompilers(scope)
    const api = scope.withTypeProvider<ZodTypeProvider>()
    const params = SessionParams

    // Codes are guessable: a client that keeps naming sessions that do not exist is refused
    // (429 TOO_MANY_LOOKUPS) for a while. Requests another instance forwarded were checked there.
    const lookup = (request: FastifyRequest): boolean =>
      (request.params as { id?: unknown } | undefined)?.id !== undefined && request.headers[FORWARDED_HEADER] === undefined
    scope.addHook('onRequest', async (request) => {
      if (!lookup(request)) return
      lookups.check(request.ip)
      // A stored session is read from the store the first time it is used (see SessionCatalog).
      const id = (request.params as { id?: unknown }).id
      if (typeof id === 'string' && /^[A-Za-z0-9]{1,32}$/.test(id)) await service.ensure(id)
    })
    scope.addHook('onError', async (request, _reply, error) => {
      if (error instanceof UnknownSessionError && lookup(request)) lookups.miss(request.ip)
    })

    api.post(
      '/api/sessions',
      {
        schema: {
          tags: TAGS,
          summary: 'Create a live session',
          description: 'Returns the host token once: keep it. `warnings` explains configurations that are not textbook PBFT.',
          body: CreateSessionBody,
          response: { 201: CreateSessionResponse, 400: ApiErrorResponse, 429: ApiErrorResponse },
        },
      },
      async (request, reply) => {
        // Checked first: a bad Host header must not leave a session behind whose token nobody got.
        const origin = joinOrigin(
          { protocol: request.protocol, host: request.host, localPort: request.socket.localPort, localAddress: request.socket.localAddress },
          options.publicUrl,
          options.lanAddress === undefined ? lanAddress() : options.lanAddress,
        )
        const release = creations.reserve(request.ip)
        const { session, hostToken, warnings } = await service.create(request.body).catch((error: unknown) => {
          release()
          throw error
        })
        const info = sessionInfo(session)
        return reply.status(201).send({
          sessionId: session.id,
          config: info.config,
          status: info.status,
          createdAt: info.createdAt,
          hostToken,
          joinUrl: `${origin}/join/${session.id}`,
          warnings,
        })
      },
    )

    api.get(
      '/api/sessions/:id',
      { schema: { tags: TAGS, summary: 'Public information about a session (never tokens)', params, response: { 200: SessionInfo, ...errors } } },
      async (request) => sessionInfo(service.get(request.params.id)),
    )

    api.delete(
      '/api/sessions/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Delete a session',
          description: HOST_ONLY,
          params,
          response: { 200: z.object({ sessionId: z.string(), deleted: z.literal(true) }), ...errors },
        },
      },
      async (request) => {
        const session = service.checkHost(request.params.id, bearerToken(request))
        await service.delete(session.id)
        return { sessionId: session.id, deleted: true as const }
      },
    )

    api.get(
      '/api/sessions/:id/status',
      { schema: { tags: TAGS, summary: 'Status, round, phase and who is online', params, response: { 200: SessionStatusResponse, ...errors } } },
      async (request) => sessionStatus(service.get(request.params.id)),
    )

    api.post(
      '/api/sessions/:id/rounds',
      {
        schema: {
          tags: TAGS,
          summary: 'Start a round (as socket host:start-round)',
          description: `${HOST_ONLY} Optional body { seed } replays a known round.`,
          params,
          body: StartRoundPayload,
          response: { 201: z.object({ sessionId: z.string(), round: z.int(), seed: z.number() }), ...errors },
        },
      },
      async (request, reply) => {
        const session = service.checkHost(request.params.id, bearerToken(request))
        const started = await service.startRound(session.id, request.body?.seed)
        return reply.status(201).send({ sessionId: session.id, ...started })
      },
    )

    api.post(
      '/api/sessions/:id/next-view',
      {
        schema: {
          tags: TAGS,
          summary: 'Force the next view of the running round (as socket host:next-view)',
          description: `${HOST_ONLY} The view ends now, as if every timer expired, and the next view's view change opens; in the last view allowed, the round ends. 409 NO_ROUND without a running round.`,
          params,
          response: { 200: z.object({ sessionId: z.string(), view: z.int(), phase: LivePhase }), ...errors },
        },
      },
      async (request) => {
        const session = service.checkHost(request.params.id, bearerToken(request))
        return { sessionId: session.id, ...(await service.nextView(session.id)) }
      },
    )

    api.post(
      '/api/sessions/:id/reset-round',
      {
        schema: {
          tags: TAGS,
          summary: 'Abort the running round (kept in the history as aborted)',
          description: HOST_ONLY,
          params,
          response: { 200: z.object({ sessionId: z.string(), aborted: z.int().nullable(), status: SessionStatus }), ...errors },
        },
      },
      async (request) => {
        const session = service.checkHost(request.params.id, bearerToken(request))
        const aborted = await service.resetRound(session.id)
        return { sessionId: session.id, aborted, status: session.status }
      },
    )

    api.patch(
      '/api/sessions/:id/settings',
      {
        schema: {
          tags: TAGS,
          summary: 'Change the quorum rule, the idle bot or the views while the session runs (as socket host:set-quorum-rule, host:set-idle-bot)',
          description: `${HOST_ONLY} A new quorumRule, maxViews or viewTimeoutMs applies from the next round (a running round keeps its own: \`effective\` says which); idleBotAfterMs (ms below phaseTimeoutMs, or null: off) applies to the open phase too.`,
          params,
          body: UpdateSettingsBody,
          response: { 200: UpdateSettingsResponse, ...errors },
        },
      },
      async (request) => {
        const session = service.checkHost(request.params.id, bearerToken(request))
        const { quorumRule, idleBotAfterMs, maxViews, viewTimeoutMs } = request.body
        // The idle bot first: it is the one that can be refused (it must be below the phase timeout).
        if (idleBotAfterMs !== undefined) await service.setIdleBot(session.id, idleBotAfterMs)
        if (maxViews !== undefined || viewTimeoutMs !== undefined) await service.setViews(session.id, { maxViews, viewTimeoutMs })
        const effective = quorumRule === undefined ? (session.running ? 'next-round' : 'now') : await service.setQuorumRule(session.id, quorumRule)
        const { settings } = session
        return {
          sessionId: session.id,
          quorumRule: settings.quorumRule,
          idleBotAfterMs: settings.idleBotAfterMs,
          effective,
          maxViews: settings.maxViews,
          viewTimeoutMs: settings.viewTimeoutMs,
        }
      },
    )

    api.post(
      '/api/sessions/:id/assign-node',
      {
        schema: {
          tags: TAGS,
          summary: 'Claim a seat (the one asked for, or the lowest free one)',
          description: '409 when the session is locked, every seat is taken, or the asked seat is. Keep `seatToken`: it gets the seat back after a reload.',
          params,
          body: AssignNodeBody,
          response: { 200: AssignNodeResponse, ...errors },
        },
      },
      async (request) => service.claimSeat(request.params.id, request.body, request.ip),
    )

    api.post(
      '/api/sessions/:id/seats/:nodeId/allow',
      {
        schema: {
          tags: TAGS,
          summary: 'Let the holders kicked from a seat claim again (as socket host:allow-seat)',
          description: `${HOST_ONLY} A kick bars the kicked holder (their client address) from claiming any seat of the session until this; \`allowed\` counts the bars lifted.`,
          params: SeatParams,
          response: { 200: z.object({ sessionId: z.string(), nodeId: z.int(), allowed: z.int() }), ...errors },
        },
      },
      async (request) => {
        const session = service.checkHost(request.params.id, bearerToken(request))
        return { sessionId: session.id, nodeId: request.params.nodeId, allowed: await service.allowSeat(session.id, request.params.nodeId) }
      },
    )

    api.get(
      '/api/sessions/:id/connected-nodes',
      { schema: { tags: TAGS, summary: 'Seats and who is online', params, response: { 200: ConnectedNodesResponse, ...errors } } },
      async (request) => connectedNodes(service.get(request.params.id)),
    )

    api.get(
      '/api/sessions/:id/history',
      {
        schema: {
          tags: TAGS,
          summary: 'Finished and aborted rounds with their outcomes; ?round=r: that round with its full message trace',
          params,
          querystring: HistoryQuery,
          response: { 200: z.union([RoundTraceResponse, HistoryResponse]), ...errors },
        },
        // A round's trace (up to ~6 MB of our own engine's output) is sent as the JSON bytes
        // RoundTraces built once, in slices, and cached: encoding it with the schema on every
        // call held the event loop for ~100 ms. Fastify sends a Buffer as it is; the list of
        // rounds and errors still go through the schema.
      },
      async (request, reply) => {
        const session = service.get(request.params.id)
        const { round } = request.query
        if (round !== undefined) {
          const gzipped = /\bgzip\b/i.test(String(request.headers['accept-encoding'] ?? ''))
          const json = await service.roundTraceJson(session.id, round, request.ip, gzipped)
          void reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding')
          if (gzipped) void reply.header('content-encoding', 'gzip')
          // The typed reply only knows the schema's objects; the bytes are that object, encoded.
          ;(reply as unknown as { send(payload: Buffer): void }).send(json)
          return
        }
        return { sessionId: session.id, rounds: session.rounds.map(({ log: _log, ...record }) => record), schemaVersion: HISTORY_SCHEMA_VERSION }
      },
    )

    api.post(
      '/api/sessions/:id/run-batch-experiment',
      {
        schema: {
          tags: TAGS,
          summary: "Monte-Carlo rounds with the session's N, p and faults (the original system's batch endpoint)",
          description: `${HOST_ONLY} Rates are percentages rounded to 2 decimals; theoreticalSuccessRate is null unless every replica is honest. 1 ≤ rounds ≤ 100000 and rounds × N² ≤ 10^8. One batch at a time per session (409 BUSY), per client and two per server (429 TOO_MANY_BATCHES).`,
          params,
          querystring: BatchExperimentQuery,
          response: { 200: BatchExperimentResponse, ...errors },
        },
        // Up to 100,000 result rows built by our own code: checking each against the schema
        // would block the event loop for a few hundred milliseconds, so it is only documented.
        serializerCompiler: () => (data) => JSON.stringify(data),
      },
      async (request) => {
        const session = service.checkHost(request.params.id, bearerToken(request))
        return service.runBatch(session.id, request.query.rounds, request.query.seed, request.ip)
      },
    )
  })
}

export const sessionRoutes = fp<SessionRoutesOptions>(registerSessionRoutes, {
  fastify: '5.x',
  name: 'pbft-session-routes',
  dependencies: ['pbft-openapi', 'pbft-sessions', 'pbft-client-limits', 'pbft-cluster'],
  decorators: { fastify: ['sessions', 'clientLimits'] },
})
