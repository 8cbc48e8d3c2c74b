import {
  ApiErrorResponse,
  ExperimentCreated,
  ExperimentIdParams,
  ExperimentList,
  ExperimentListQuery,
  ExperimentRecord,
  ExperimentRequest,
  type ExperimentRecord as ExperimentRecordType,
} from '@pbft/protocol'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { DomainError } from '../errors/domainError'
import type { ExperimentService } from '../experiments/experimentService'
import type { ExperimentPeers } from '../experiments/peers'
import { ConcurrentReads, CreationWindow, DEFAULT_EXPERIMENT_QUOTAS, type ExperimentQuotas } from '../experiments/quotas'
import { bearerToken } from './headers'
import { sendJsonText } from './jsonText'
import { useZodCompilers } from './openapi'

const TAGS = ['experiments']

export interface ExperimentRouteOptions {
  /** Cluster mode: the experiments of the other instances; without it (one process) the routes answer alone. */
  peers?: ExperimentPeers
  /** Per-address limits (default DEFAULT_EXPERIMENT_QUOTAS); the running-per-address limit is the service's. */
  quotas?: Partial<Pick<ExperimentQuotas, 'creations' | 'heavyReads'>>
}

/**
 * `/api/experiments`: start a sweep (202), read it, list them, cancel one (with its token).
 * Bodies, queries and params are parsed by the protocol's zod schemas, so a bad request is a
 * 400 VALIDATION naming the field, and the OpenAPI document shows the same schemas.
 */
export async function registerExperimentRoutes(app: FastifyInstance, service: ExperimentService, options: ExperimentRouteOptions = {}): Promise<void> {
  const { peers } = options
  const quotas = { ...DEFAULT_EXPERIMENT_QUOTAS, ...options.quotas }
  const creations = new CreationWindow(quotas.creations)
  const reads = new ConcurrentReads(quotas.heavyReads)

  /** The record of a running experiment (small, changing), or the bytes of a finished one's answer. */
  const read = async (id: string, client: string): Promise<ExperimentRecordType | Buffer> => {
    const live = service.get(id)
    if (live) return live
    const cached = service.cachedAnswer(id)
    if (cached) return cached
    // Reading a finished experiment from the store (and encoding it) is the costly case.
    const costly = !service.isCheap(id) && (service.has(id) || peers !== undefined)
    const release = costly ? reads.enter(client) : () => undefined
    try {
      const answer = await service.answer(id)
      if (answer) return answer
      const record = await peers?.get(id)
      if (!record) throw new DomainError('NOT_FOUND', `no experiment ${id}`)
      return record.status === 'running' ? record : await service.foreignAnswer(record)
    } finally {
      release()
    }
  }
  const cancel = async (id: string, token: string | undefined): Promise<ExperimentRecordType> =>
    peers && !service.has(id) ? peers.cancel(id, token) : service.cancel(id, token)

  await app.register(async (scope) => {
    useZodCompilers(scope)
    const api = scope.withTypeProvider<ZodTypeProvider>()

    api.post(
      '/api/experiments',
      {
        schema: {
          tags: TAGS,
          summary: 'Start an all-honest Monte-Carlo sweep over nodes × p',
          description:
            'nodes and p take arrays or CLI range text ("4,7,10", "0.5:1:0.05"). Answered once the record is stored; keep `cancelToken`. ' +
            'At most 2 experiments run at once (429 BUSY), one per client address (429 EXPERIMENT_LIMIT), 20 created per address per 10 minutes (429 EXPERIMENT_LIMIT).',
          body: ExperimentRequest,
          response: { 202: ExperimentCreated, 400: ApiErrorResponse, 429: ApiErrorResponse, 503: ApiErrorResponse },
        },
      },
      async (request, reply) => {
        const release = creations.reserve(request.ip)
        const { record, cancelToken } = await service.start(request.body, request.ip).catch((error: unknown) => {
          release()
          throw error
        })
        const { id, progress, createdAt } = record
        return reply.status(202).send({ id, status: 'running', total: progress.total, createdAt, cancelToken })
      },
    )

    api.get(
      '/api/experiments',
      {
        schema: {
          tags: TAGS,
          summary: 'List experiments, newest first',
          querystring: ExperimentListQuery,
          response: { 200: ExperimentList, 400: ApiErrorResponse },
        },
      },
      async (request) => {
        const local = service.list(request.query.limit)
        return { experiments: peers ? await peers.list(request.query.limit, local) : local }
      },
    )

    api.get(
      '/api/experiments/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'An experiment: status, progress and, once done, its results',
          params: ExperimentIdParams,
          response: { 200: ExperimentRecord, 400: ApiErrorResponse, 404: ApiErrorResponse, 429: ApiErrorResponse },
        },
      },
      async (request, reply) => {
        const answer = await read(request.params.id, request.ip)
        // A finished experiment's answer was encoded once from checked values: sent as is,
        // without the response schema (re-validating and re-encoding 10,000 points cost 100+ ms
        // per call). A running one's small record goes through it.
        if (Buffer.isBuffer(answer)) return sendJsonText(reply, answer)
        return answer
      },
    )

    const cancelSchema = {
      tags: TAGS,
      description: 'Needs the cancel token of the experiment: `Authorization: Bearer <cancelToken>` (401 without, 403 wrong).',
      params: ExperimentIdParams,
      response: {
        200: ExperimentRecord,
        400: ApiErrorResponse,
        401: ApiErrorResponse,
        403: ApiErrorResponse,
        404: ApiErrorResponse,
        409: ApiErrorResponse,
      },
    }
    api.delete(
      '/api/experiments/:id',
      { schema: { ...cancelSchema, summary: 'Cancel a running experiment (its record stays)' } },
      async (request) => cancel(request.params.id, bearerToken(request)),
    )
    api.post(
      '/api/experiments/:id/cancel',
      { schema: { ...cancelSchema, summary: 'Cancel a running experiment (same as DELETE)' } },
      async (request) => cancel(request.params.id, bearerToken(request)),
    )
  })
}

/** The experiment routes over the app's experiment service (and, in a cluster, its peers). */
export const experimentRoutes = fp<Omit<ExperimentRouteOptions, 'peers'>>(
  async (app, options) => registerExperimentRoutes(app, app.experiments, { ...options, ...(app.clusterLink ? { peers: app.clusterLink.experiments } : {}) }),
  {
    fastify: '5.x',
    name: 'pbft-experiment-routes',
    dependencies: ['pbft-openapi', 'pbft-experiments', 'pbft-cluster-link'],
    decorators: { fastify: ['experiments', 'clusterLink'] },
  },
)
