import {
  ApiErrorResponse,
  ExperimentCreated,
  ExperimentIdParams,
  ExperimentList,
  ExperimentListQuery,
  ExperimentRecord,
  ExperimentRequest,
  type ExperimentRecord as ExperimentRecordType,
  type ExperimentSummary,
} from '@pbft/protocol'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { useZodCompilers } from '../http/openapi'
import { sendJsonText } from '../http/jsonText'
import { bearerToken } from '../http/sessionRoutes'
import { notFound } from '../http/validation'
import type { ExperimentService } from './experimentService'
import { ConcurrentReads, CreationWindow, DEFAULT_EXPERIMENT_QUOTAS, type ExperimentQuotas } from './quotas'

const TAGS = ['experiments']

/**
 * Cluster mode: the experiments of the other instances (see cluster/experiments.ts). The routes
 * ask it about ids this instance does not hold; without it (one process) they answer alone.
 */
export interface ExperimentPeers {
  /** The record, from the instance running it or from the store; undefined when there is none. */
  get(id: string): Promise<ExperimentRecordType | undefined>
  /** Cancels it where it runs, with the caller's token; throws the same 401/403/404/409 HttpErrors as `ExperimentService.cancel`. */
  cancel(id: string, token: string | undefined): Promise<ExperimentRecordType>
  /** The newest `limit` rows of every instance, these local rows merged in. */
  list(limit: number, local: ExperimentSummary[]): Promise<ExperimentSummary[]>
}

export interface ExperimentRouteOptions {
  peers?: ExperimentPeers
  /** Per-address limits (default DEFAULT_EXPERIMENT_QUOTAS); the running-per-address limit is the service's. */
  quotas?: Pick<ExperimentQuotas, 'creations' | 'heavyReads'>
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
      const record = (await peers?.get(id)) ?? notFound(`no experiment ${id}`)
      return record.status === 'running' ? record : await service.foreignAnswer(record)
    } finally {
      release()
    }
  }
  const cancel = async (id: string, token: string | undefined): Promise<ExperimentRecordType> =>
    peers && !service.has(id) ? peers.cancel(id, token) : service.cancel(id, token)

  await app.register(async (scope) => {
    useZodCompilers(scope)
    // preClose runs before every onClose hook, whatever the order they were added in: runs are
    // stopped and their records saved before anyone closes the store.
    scope.addHook('preClose', async () => service.close())
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
