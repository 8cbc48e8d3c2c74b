import { availableParallelism } from 'node:os'
import { z } from 'zod'
import { checkFaultBound, FaultBound, integerDomain, Probability, Rounds, scalarSchema, Seed, SimulationNodes } from '@pbft/protocol'
import { readFlags, validateFlags, type FlagSpec } from '../arguments'
import { EXIT, UsageError, type CliIo } from '../cliIo'
import { simulateParallel, successProbability, type SimulateOptions, type SimulationResult } from '../engine'
import { FaultsFlag, silentBackupsOnly, unknownReplica, type FaultMap } from '../inputs/faults'
import { readLinkMatrix } from '../inputs/links'
import { QuorumRuleFlag } from '../inputs/quorumRule'
import { ViewsFlag } from '../inputs/views'
import { createProgress } from '../output/progress'
import { toSimulationRecord, type SimulationRecord } from '../output/simulationRecord'
import { formatPercent, formatRate } from '../output/table'

const FLAGS: FlagSpec = {
  nodes: { type: 'string' },
  p: { type: 'string' },
  f: { type: 'string' },
  rounds: { type: 'string' },
  seed: { type: 'string' },
  faults: { type: 'string' },
  'no-auth': { type: 'boolean' },
  links: { type: 'string' },
  path: { type: 'string' },
  workers: { type: 'string' },
  'quorum-rule': { type: 'string' },
  views: { type: 'string' },
  json: { type: 'boolean' },
}

export const MAX_WORKERS = 256

/** Worker threads; a count beyond the machine's cores only adds overhead, but is not wrong. */
export const WorkersFlag = scalarSchema(integerDomain(1, MAX_WORKERS))

const PathFlag = z
  .enum(['auto', 'fast', 'message'], { error: (issue) => `expected auto, fast or message, got "${String(issue.input)}"` })
  .default('auto')

const SimulateFlags = z
  .object({
    nodes: SimulationNodes,
    p: Probability.optional(),
    f: FaultBound.optional(),
    rounds: Rounds,
    seed: Seed,
    faults: FaultsFlag.optional(),
    'no-auth': z.boolean().optional(),
    links: z.string().optional(),
    path: PathFlag,
    workers: WorkersFlag.optional(),
    'quorum-rule': QuorumRuleFlag,
    views: ViewsFlag,
    json: z.boolean().optional(),
  })
  .superRefine((flags, ctx) => {
    if (flags.p === undefined && flags.links === undefined) {
      ctx.addIssue({ code: 'custom', path: ['p'], message: 'required (or a link matrix with --links)' })
    }
    if (flags.p !== undefined && flags.links !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['links'], message: 'replaces --p: give one or the other' })
    }
    checkFaultBound(flags.f, [flags.nodes], ctx)
    const unknown = flags.faults && unknownReplica(flags.faults, flags.nodes)
    if (unknown !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['faults'], message: `replica ${unknown} does not exist (ids are 0..${flags.nodes - 1})` })
    }
  })
type SimulateFlags = z.output<typeof SimulateFlags>

/**
 * The closed form holds only for its own model: one p on every link, every replica honest
 * except possibly silent backups (MODEL.md's k silent backups), one view; null otherwise.
 */
function theoreticalRate(flags: SimulateFlags, faults: FaultMap | undefined): number | null {
  const silentBackups = silentBackupsOnly(faults)
  if (flags.p === undefined || flags.links !== undefined || silentBackups === null || flags.views > 1) return null
  return successProbability(flags.nodes, flags.p, flags.f, { quorumRule: flags['quorum-rule'], silentBackups })
}

function simulationOptions(flags: SimulateFlags): SimulateOptions {
  let links
  if (flags.links !== undefined) {
    try {
      links = readLinkMatrix(flags.links, flags.nodes)
    } catch (error) {
      throw new UsageError(`--links: ${(error as Error).message}`, 'simulate')
    }
  }
  return {
    nodes: flags.nodes,
    f: flags.f,
    p: flags.p,
    links,
    faults: flags.faults,
    authentication: flags['no-auth'] !== true,
    rounds: flags.rounds,
    seed: flags.seed,
    path: flags.path,
    quorumRule: flags['quorum-rule'],
    views: flags.views,
  }
}

function summary(record: SimulationRecord): string {
  const [low, high] = record.ci95
  const { failures, meanMessages: m } = record
  const theory = record.theoreticalSuccessRate
  const lines = [
    `PBFT Monte-Carlo: N=${record.nodes}, f=${record.f}, p=${record.p ?? 'link matrix'}, ` +
      `${record.rounds} rounds, seed ${record.seed}, ${record.path} path, ${record.quorumRule} quorum rule`,
    `success rate       ${formatRate(record.successRate)}  (${formatPercent(record.successRate)})  ` +
      `${record.successes}/${record.rounds} rounds`,
    `95% interval       [${formatRate(low)}, ${formatRate(high)}]`,
    `theory             ${theory === null ? 'n/a (needs one p, no Byzantine replica but silent backups, one view)' : `${formatRate(theory)}  (${formatPercent(theory)})`}`,
    `views              ${record.views} allowed, ${record.meanViews.toFixed(3)} used on average`,
    `client accepted    ${formatRate(record.clientAcceptRate)}  (${formatPercent(record.clientAcceptRate)})  ` +
      `f + 1 matching replies`,
    `failed in          pre-prepare ${failures['pre-prepare']}, prepare ${failures.prepare}, commit ${failures.commit}`,
    `safety violations  ${record.safetyViolations}  (never counted as successes)`,
    `messages/round     sent ${m.sent.toFixed(1)}, delivered ${m.delivered.toFixed(1)}, ` +
      `dropped ${m.dropped.toFixed(1)}, rejected ${m.rejected.toFixed(1)}`,
    `elapsed            ${record.elapsedMs} ms`,
  ]
  return lines.join('\n') + '\n'
}

/** `pbft simulate`: one Monte-Carlo run, next to the exact theory where it applies. */
export async function simulateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const flags = validateFlags('simulate', SimulateFlags, readFlags('simulate', argv, FLAGS))
  const options = simulationOptions(flags)
  const theory = theoreticalRate(flags, flags.faults)
  const progress = createProgress(io, 'simulate')
  const started = performance.now()
  let result: SimulationResult
  try {
    // simulateParallel plays short runs in this thread itself and long ones on workers, with
    // results identical either way. The main thread only waits, so every core can take a worker.
    result = await simulateParallel({
      ...options,
      workers: flags.workers ?? availableParallelism(),
      onProgress: progress.update,
      signal: io.signal,
    })
  } finally {
    progress.finish()
  }
  const elapsedMs = Math.round(performance.now() - started)
  const record = toSimulationRecord(result, theory, elapsedMs)
  io.stdout.write(flags.json === true ? `${JSON.stringify(record)}\n` : summary(record))
  return EXIT.ok
}
