import { z } from 'zod'
import { TheoryParams } from '@pbft/protocol'
import { readFlags, validateFlags, type FlagSpec } from '../arguments'
import { EXIT, UsageError, type CliIo } from '../cliIo'
import { clientReliability, defaultFaultBound, reliability, type QuorumRule } from '../engine'
import { QuorumRuleFlag } from '../inputs/quorumRule'
import { theoryCsvHeader, theoryCsvRow } from '../output/theoryCsv'
import { formatPercent, formatRate, renderTable } from '../output/table'

const FLAGS: FlagSpec = {
  nodes: { type: 'string' },
  p: { type: 'string' },
  f: { type: 'string' },
  'quorum-rule': { type: 'string' },
  metric: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
}

/**
 * Which success the rates are of (MODEL.md): `success`, metric A (N - f replicas commit, today's
 * default), or `client`, metric B (the client receives f + 1 matching replies).
 */
export const THEORY_METRICS = ['success', 'client'] as const
export type TheoryMetric = (typeof THEORY_METRICS)[number]

const MetricFlag = z
  .enum(THEORY_METRICS, { error: (issue) => `expected success or client, got "${String(issue.input)}"` })
  .default('success')

const OutputFlags = z.object({
  'quorum-rule': QuorumRuleFlag,
  metric: MetricFlag,
  json: z.boolean().optional(),
  csv: z.boolean().optional(),
})
type OutputFlags = z.output<typeof OutputFlags>

/**
 * One point of the theory curve; `pbft theory --json` prints exactly these keys in this order
 * (new ones only ever appended).
 */
export interface TheoryPoint {
  nodes: number
  f: number
  p: number
  successRate: number
  /** 1 - successRate, summed from the complementary events, so it keeps its digits near p = 1. */
  failureRate: number
  /** log10 of successRate, finite where the rate itself underflows to 0; null when it is exactly 0. */
  log10SuccessRate: number | null
  quorumRule: QuorumRule
  /** What the rates above are of: metric A (`success`) or the client's metric B (`client`). */
  metric: TheoryMetric
}

// Large N costs a few milliseconds per point: give SIGINT a chance to be heard this often.
const YIELD_EVERY_MS = 50

/** Every (nodes, p) pair, nodes outer, computed lazily so long tables can be interrupted and streamed. */
/** The rates of one point under the chosen metric, named as metric A's for either. */
function rates(metric: TheoryMetric, nodes: number, p: number, f: number, quorumRule: QuorumRule) {
  if (metric === 'success') return reliability(nodes, p, f, quorumRule)
  const client = clientReliability(nodes, p, f, quorumRule)
  return { successRate: client.acceptRate, failureRate: client.failureRate, log10SuccessRate: client.log10AcceptRate }
}

async function* theoryPoints(params: TheoryParams, output: OutputFlags, signal: AbortSignal | undefined): AsyncGenerator<TheoryPoint> {
  const { 'quorum-rule': quorumRule, metric } = output
  let lastYield = Date.now()
  for (const nodes of params.nodes) {
    const f = params.f ?? defaultFaultBound(nodes)
    for (const p of params.p) {
      if (Date.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        lastYield = Date.now()
      }
      signal?.throwIfAborted()
      const { successRate, failureRate, log10SuccessRate } = rates(metric, nodes, p, f, quorumRule)
      const log10 = Number.isFinite(log10SuccessRate) ? log10SuccessRate : null
      yield { nodes, f, p, successRate, failureRate, log10SuccessRate: log10, quorumRule, metric }
    }
  }
}

/** `pbft theory`: the exact success probability for every (nodes, p) pair. */
export async function theoryCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const values = readFlags('theory', argv, FLAGS)
  const params = validateFlags('theory', TheoryParams, values)
  const output = validateFlags('theory', OutputFlags, values)
  if (output.csv === true && output.json === true) throw new UsageError('--csv and --json exclude each other', 'theory')
  const points = theoryPoints(params, output, io.signal)
  if (output.json === true) {
    for await (const point of points) io.stdout.write(`${JSON.stringify(point)}\n`)
    return EXIT.ok
  }
  if (output.csv === true) {
    io.stdout.write(`${theoryCsvHeader()}\n`)
    for await (const point of points) io.stdout.write(`${theoryCsvRow(point)}\n`)
    return EXIT.ok
  }
  const rows: string[][] = []
  for await (const { nodes, f, p, successRate, failureRate, quorumRule, metric } of points) {
    rows.push([String(nodes), String(f), String(p), formatRate(successRate), formatPercent(successRate), formatRate(failureRate), quorumRule, metric])
  }
  const headers = ['nodes', 'f', 'p', 'success rate', 'percent', 'failure rate', 'rule', 'metric']
  const left = new Set(['rule', 'metric'])
  io.stdout.write(renderTable(headers.map((header) => ({ header, align: left.has(header) ? ('left' as const) : undefined })), rows))
  return EXIT.ok
}
