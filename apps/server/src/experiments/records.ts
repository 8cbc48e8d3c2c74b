/** What experiment records are made of, and the rules every instance applies to them. */
import { randomBytes } from 'node:crypto'
import { successProbability, type SweepPoint } from '@pbft/engine'
import type { ExperimentPoint, ExperimentRecord, ExperimentSummary } from '@pbft/protocol'
import { DomainError } from '../errors/domainError'
import { tokenMatches } from '../sessions/tokens'

/** 401 without a token, 403 with another one (records stored before cancel tokens existed have none: 403). */
export function checkCancelToken(token: string | undefined, hash: string | undefined): void {
  if (token === undefined || token === '') throw new DomainError('UNAUTHORIZED', "cancelling needs the experiment's cancel token (Authorization: Bearer <cancelToken>)")
  if (!tokenMatches(token, hash ?? null)) throw new DomainError('FORBIDDEN', 'wrong cancel token for this experiment')
}

/** 12 URL-safe characters (72 random bits): unguessable enough for a classroom, short enough to read. */
export function newExperimentId(): string {
  return randomBytes(9).toString('base64url')
}

/** A sweep point as a row of the record, next to the exact theory of its quorum rule. */
export function toExperimentPoint(point: SweepPoint, seed: number): ExperimentPoint {
  const { p, quorumRule } = point
  if (p === null) throw new Error('a sweep point has no delivery probability p')
  return {
    nodes: point.nodes,
    f: point.f,
    p,
    rounds: point.rounds,
    seed,
    pointSeed: point.seed,
    successes: point.successes,
    successRate: point.successRate,
    ci95: [point.ci95[0], point.ci95[1]],
    theoreticalSuccessRate: successProbability(point.nodes, p, point.f, quorumRule),
    failures: { 'pre-prepare': point.failures['pre-prepare'], prepare: point.failures.prepare, commit: point.failures.commit },
    meanMessages: { ...point.meanMessages },
    quorumRule,
    safetyViolations: point.safetyViolations,
  }
}

/**
 * The `summary` of each config, computed once: a config may list 10,000 values, and a list
 * of 200 rows would otherwise scan them all on every call.
 */
const summaries = new WeakMap<ExperimentRecord['config'], ExperimentSummary['summary']>()

/** A record's (or head's) row in `GET /api/experiments`. */
export function summarise(record: Omit<ExperimentRecord, 'results'>): ExperimentSummary {
  const { config } = record
  let summary = summaries.get(config)
  if (summary === undefined) {
    const { nodes, p, rounds, seed } = config
    summary = {
      points: nodes.length * p.length * (config.quorumRule?.length ?? 1),
      nodes: [extreme(nodes, Math.min), extreme(nodes, Math.max)],
      p: [extreme(p, Math.min), extreme(p, Math.max)],
      rounds,
      seed,
    }
    summaries.set(config, summary)
  }
  return { id: record.id, status: record.status, createdAt: record.createdAt, finishedAt: record.finishedAt, progress: record.progress, summary }
}

function extreme(values: readonly number[], pick: (a: number, b: number) => number): number {
  return values.reduce((best, value) => pick(best, value))
}
