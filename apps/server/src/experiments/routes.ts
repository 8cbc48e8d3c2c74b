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
import { notFound } from '../http/validation'
import type { ExperimentService } from './experimentService'

const TAGS = ['experiments']

/**
 * Cluster mode: the experiments of the other instances (see cluster/experiments.ts). The routes
 * ask it about ids this instance does not hold; without it (one process) they answer alone.
 */
export interface ExperimentPeers {
  /** The record, from the instance running it or from the store; undefined when there is none. */
  get(id: string): Promise<ExperimentRecordType | undefined>
  /** Cancels it where it runs; throws the same 404/409 HttpErrors as `ExperimentService.cancel`. */
  cancel(id: string): Promise<ExperimentRecordType>
  /** The newest `limit` rows of every instance, these local rows merged in. */
  list(limit: number, local: ExperimentSummary[]): Promise<ExperimentSummary[]>
}

/**
 * `/api/experiments`: start a sweep (202), read it, list them, cancel one. Bodies, queries and
 * params are parsed by the protocol's zod schemas, so a bad request is a 400 VALIDATION naming
 * the field, and the OpenAPI document shows the same schemas.
 */
export async function registerExperimentRoutes(app: FastifyInstance, service: ExperimentService, peers?: ExperimentPeers): Promise<void> {
  const read = async (id: string): Promise<ExperimentRecordType> =>
    service.get(id) ?? (await peers?.get(id)) ?? notFound(`no experiment ${id}`)
  const cancel = async (id: string): Promise<ExperimentRecordType> => (peers && !service.has(id) ? peers.cancel(id) : service.cancel(id))

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
            'nodes and p take arrays or CLI range text ("4,7,10", "0.5:1:0.05"). At most 2 experiments run at once (429 BUSY).',
          body: ExperimentRequest,
          response: { 202: ExperimentCreated, 400: ApiErrorResponse, 429: ApiErrorResponse },
        },
      },
      async (request, reply) => {
        const record = service.start(request.body)
        await service.findable(record.id)
        return reply.status(202).send({ id: record.id, status: 'running', total: record.progress.total, createdAt: record.createdAt })
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
          response: { 200: ExperimentRecord, 400: ApiErrorResponse, 404: ApiErrorResponse },
        },
      },
      async (request) => read(request.params.id),
    )

    const cancelSchema = {
      tags: TAGS,
      params: ExperimentIdParams,
      response: { 200: ExperimentRecord, 400: ApiErrorResponse, 404: ApiErrorResponse, 409: ApiErrorResponse },
    }
    api.delete(
      '/api/experiments/:id',
      { schema: { ...cancelSchema, summary: 'Cancel a running experiment (its record stays)' } },
      async (request) => cancel(request.params.id),
    )
    api.post(
      '/api/experiments/:id/cancel',
      { schema: { ...cancelSchema, summary: 'Cancel a running experiment (same as DELETE)' } },
      async (request) => cancel(request.params.id),
    )
  })
}
