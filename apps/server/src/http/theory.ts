import { defaultFaultBound, successProbability } from '@pbft/engine'
import { ApiErrorResponse, EXPERIMENT_API_LIMITS, TheoryParams, TheoryResponse, theoryWork } from '@pbft/protocol'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { mapInSlices } from '../experiments/slices'
import { useZodCompilers } from './openapi'
import { badRequest } from './validation'

/**
 * `GET /api/theory?nodes=4,7,10&p=0.5:1:0.05[&f=1]`: the exact success probability of every
 * (nodes, p) pair, with the CLI's ranges and limits, computed in slices so a big table never
 * stalls the sockets.
 */
export async function registerTheoryRoute(app: FastifyInstance): Promise<void> {
  await app.register(async (scope) => {
    useZodCompilers(scope)
    scope.withTypeProvider<ZodTypeProvider>().get(
      '/api/theory',
      {
        schema: {
          tags: ['theory'],
          summary: 'Exact success probability over a nodes × p grid',
          description:
            'nodes and p take a value, a comma list or start:end:step ranges, as the CLI does. f defaults to floor((N - 1) / 3).',
          querystring: TheoryParams,
          response: { 200: TheoryResponse, 400: ApiErrorResponse },
        },
      },
      async (request) => {
        const { nodes, p: ps, f } = request.query
        const work = theoryWork(nodes, ps)
        if (work > EXPERIMENT_API_LIMITS.maxTheoryWork) {
          badRequest(`query: the table is too large for one request (${nodes.length} × ${ps.length} points of up to N = ${Math.max(...nodes)}); use the CLI`)
        }
        const pairs = nodes.flatMap((n) => ps.map((p) => ({ nodes: n, p, f: f ?? defaultFaultBound(n) })))
        const points = await mapInSlices(pairs, (pair) => ({ ...pair, successRate: successProbability(pair.nodes, pair.p, pair.f) }))
        return { points }
      },
    )
  })
}
