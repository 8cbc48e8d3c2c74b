import { availableParallelism } from 'node:os'
import { z } from 'zod'
import { SweepParams } from '@pbft/protocol'
import { readFlags, validateFlags, type FlagSpec } from '../arguments'
import { EXIT, UsageError, type CliIo } from '../cliIo'
import { runSweep, successProbability } from '../engine'
import { QuorumRuleFlag } from '../inputs/quorumRule'
import { ViewsFlag } from '../inputs/views'
import { createProgress } from '../output/progress'
import { toSimulationRecord, type SimulationRecord } from '../output/simulationRecord'
import { sweepCsvWithViews } from '../output/sweepCsv'
import { formatRate, renderTable } from '../output/table'
import { WorkersFlag } from './simulate'

const FLAGS: FlagSpec = {
  nodes: { type: 'string' },
  p: { type: 'string' },
  rounds: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  'quorum-rule': { type: 'string' },
  views: { type: 'string' },
  csv: { type: 'boolean' },
  json: { type: 'boolean' },
}

const OutputFlags = z.object({
  workers: WorkersFlag.optional(),
  'quorum-rule': QuorumRuleFlag,
  views: ViewsFlag,
  csv: z.boolean().optional(),
  json: z.boolean().optional(),
})

function table(records: readonly SimulationRecord[]): string {
  const rows = records.map((r) => [
    String(r.nodes),
    String(r.f),
    String(r.p),
    String(r.rounds),
    formatRate(r.successRate),
    `[${formatRate(r.ci95[0])}, ${formatRate(r.ci95[1])}]`,
    r.theoreticalSuccessRate === null ? 'n/a' : formatRate(r.theoreticalSuccessRate),
    String(r.failures['pre-prepare']),
    String(r.failures.prepare),
    String(r.failures.commit),
    r.quorumRule,
    String(r.views),
    r.meanViews.toFixed(3),
    formatRate(r.clientAcceptRate),
  ])
  const headers = ['nodes', 'f', 'p', 'rounds', 'success rate', '95% interval', 'theory', 'pre-prepare', 'prepare', 'commit', 'rule', 'views', 'mean views', 'client']
  return renderTable(
    headers.map((header) => ({ header, align: header === 'rule' ? ('left' as const) : undefined })),
    rows,
  )
}

/** `pbft sweep`: one all-honest Monte-Carlo run per (nodes, p) pair, on worker threads. */
export async function sweepCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const values = readFlags('sweep', argv, FLAGS)
  const params = validateFlags('sweep', SweepParams, values)
  const output = validateFlags('sweep', OutputFlags, values)
  if (output.csv === true && output.json === true) throw new UsageError('--csv and --json exclude each other', 'sweep')

  const quorumRule = output['quorum-rule']
  const progress = createProgress(io, 'sweep')
  let results
  try {
    results = await runSweep({
      nodes: params.nodes,
      ps: params.p,
      rounds: params.rounds,
      seed: params.seed,
      quorumRule,
      views: output.views,
      workers: output.workers ?? availableParallelism(),
      onProgress: progress.update,
      signal: io.signal,
    })
  } finally {
    progress.finish()
  }
  // Points of a sweep run interleaved on the workers, so none has a wall time of its own.
  // `seed` is the sweep's seed, as typed; each point ran on its own seed derived from it,
  // appended as `pointSeed` so that `pbft simulate --seed <pointSeed>` reproduces the row.
  // quorumRule came after pointSeed, so it goes after it here, and the views' keys after it:
  // keys are only ever appended. The theory is one view's: none with more.
  const records = results.map((result) => {
    const theory = result.p === null || output.views > 1 ? null : successProbability(result.nodes, result.p, result.f, quorumRule)
    const { quorumRule: rule, views, meanViews, clientAcceptRate, ...record } = toSimulationRecord(result, theory, null)
    return { ...record, seed: params.seed, pointSeed: result.seed, quorumRule: rule, views, meanViews, clientAcceptRate }
  })
  if (output.csv === true) {
    io.stdout.write(sweepCsvWithViews(records))
  } else if (output.json === true) {
    io.stdout.write(records.map((record) => `${JSON.stringify(record)}\n`).join(''))
  } else {
    io.stdout.write(table(records))
  }
  return EXIT.ok
}
