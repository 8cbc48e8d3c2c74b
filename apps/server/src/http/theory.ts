import { defaultFaultBound, reliability } from '@pbft/engine'
import { ApiErrorResponse, EXPERIMENT_API_LIMITS, TheoryQuery, TheoryResponse, theoryWork, type TheoryPoint } from '@pbft/protocol'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { ConcurrentReads, DEFAULT_EXPERIMENT_QUOTAS } from '../experiments/quotas'
import { mapInSlices } from '../experiments/slices'
import { sendJsonText } from './jsonText'
import { useZodCompilers } from './openapi'
import { badRequest } from './validation'

export interface TheoryRouteOptions {
  /** Tables one client address may have in flight at once (default 2; null: no limit), beyond: 429 TOO_MANY_READS. */
  heavyReads?: number | null
}

/**
 * One row: the CLI's `pbft theory --json` line (same keys, same order). 1 − P is summed from
 * the complementary events rather than subtracted, so it keeps its digits where P ≈ 1, and
 * log10 P stays finite where P itself underflows (null only when P is exactly 0).
 */
export function theoryPoint(nodes: number, p: number, f: number, quorumRule: TheoryQuery['quorumRule']): TheoryPoint {
  const { successRate, failureRate, log10SuccessRate } = reliability(nodes, p, f, quorumRule)
  return { nodes, f, p, successRate, failureRate, log10SuccessRate: Number.isFinite(log10SuccessRate) ? log10SuccessRate : null, quorumRule }
}

/**
 * `GET /api/theory?nodes=4,7,10&p=0.5:1:0.05[&f=1][&quorumRule=castro-liskov]`: the exact
 * success probability (and its complement and logarithm) of every (nodes, p) pair under one
 * quorum rule, with the CLI's ranges and limits. Computed and encoded in slices that take
 * turns with the server's other sliced jobs, so a big table never stalls the sockets.
 */
export async function registerTheoryRoute(app: FastifyInstance, options: TheoryRouteOptions = {}): Promise<void> {
  const reads = new ConcurrentReads(options.heavyReads === undefined ? DEFAULT_EXPERIMENT_QUOTAS.heavyReads : options.heavyReads)
  await app.register(async (scope) => {
    useZodCompilers(scope)
    scope.withTypeProvider<ZodTypeProvider>().get(
      '/api/theory',
      {
        schema: {
          tags: ['theory'],
          summary: 'Exact success probability over a nodes × p grid',
          description:
            'nodes and p take a value, a comma list or start:end:step ranges, as the CLI does. f defaults to floor((N - 1) / 3); quorumRule to original. ' +
            'Each row has successRate, failureRate (1 - P without cancellation) and log10SuccessRate (null when P = 0). ' +
            'At most 2 tables per client address at once (429 TOO_MANY_READS).',
          querystring: TheoryQuery,
          response: { 200: TheoryResponse, 400: ApiErrorResponse, 429: ApiErrorResponse },
        },
      },
      async (request, reply) => {
        const { nodes, p: ps, f, quorumRule } = request.query
        const work = theoryWork(nodes, ps)
        if (work > EXPERIMENT_API_LIMITS.maxTheoryWork) {
          badRequest(`query: the table is too large for one request (${nodes.length} × ${ps.length} points of up to N = ${Math.max(...nodes)}); use the CLI`)
        }
        const release = reads.enter(request.ip)
        try {
          const pairs = nodes.flatMap((n) => ps.map((p) => ({ nodes: n, p, f: f ?? defaultFaultBound(n) })))
          // Each point is encoded as soon as it is computed: the answer of 20,000 points through
          // the response schema took ~45 ms in one go.
          const points = await mapInSlices(pairs, (pair) => JSON.stringify(theoryPoint(pair.nodes, pair.p, pair.f, quorumRule)))
          return sendJsonText(reply, `{"points":[${points.join(',')}]}`)
        } finally {
          release()
        }
      },
    )
  })
}
