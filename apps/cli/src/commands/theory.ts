import { z } from 'zod'
import { TheoryParams } from '@pbft/protocol'
import { readFlags, validateFlags, type FlagSpec } from '../arguments'
import { EXIT, UsageError, type CliIo } from '../cliIo'
import { defaultFaultBound, reliability, type QuorumRule } from '../engine'
import { QuorumRuleFlag } from '../inputs/quorumRule'
import { theoryCsvHeader, theoryCsvRow } from '../output/theoryCsv'
import { formatPercent, formatRate, renderTable } from '../output/table'

const FLAGS: FlagSpec = {
  nodes: { type: 'string' },
  p: { type: 'string' },
  f: { type: 'string' },
  'quorum-rule': { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
}

const OutputFlags = z.object({
  'quorum-rule': QuorumRuleFlag,
  json: z.boolean().optional(),
  csv: z.boolean().optional(),
})

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
}

// Large N costs a few milliseconds per point: give SIGINT a chance to be heard this often.
const YIELD_EVERY_MS = 50

/** Every (nodes, p) pair, nodes outer, computed lazily so long tables can be interrupted and streamed. */
async function* theoryPoints(params: TheoryParams, quorumRule: QuorumRule, signal: AbortSignal | undefined): AsyncGenerator<TheoryPoint> {
  let lastYield = Date.now()
  for (const nodes of params.nodes) {
    const f = params.f ?? defaultFaultBound(nodes)
    for (const p of params.p) {
      if (Date.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        lastYield = Date.now()
      }
      signal?.throwIfAborted()
      const { successRate, failureRate, log10SuccessRate } = reliability(nodes, p, f, quorumRule)
      const log10 = Number.isFinite(log10SuccessRate) ? log10SuccessRate : null
      yield { nodes, f, p, successRate, failureRate, log10SuccessRate: log10, quorumRule }
    }
  }
}

/** `pbft theory`: the exact success probability for every (nodes, p) pair. */
export async function theoryCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const values = readFlags('theory', argv, FLAGS)
  const params = validateFlags('theory', TheoryParams, values)
  const output = validateFlags('theory', OutputFlags, values)
  if (output.csv === true && output.json === true) throw new UsageError('--csv and --json exclude each other', 'theory')
  const points = theoryPoints(params, output['quorum-rule'], io.signal)
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
  for await (const { nodes, f, p, successRate, failureRate, quorumRule } of points) {
    rows.push([String(nodes), String(f), String(p), formatRate(successRate), formatPercent(successRate), formatRate(failureRate), quorumRule])
  }
  const headers = ['nodes', 'f', 'p', 'success rate', 'percent', 'failure rate', 'rule']
  io.stdout.write(renderTable(headers.map((header) => ({ header, align: header === 'rule' ? ('left' as const) : undefined })), rows))
  return EXIT.ok
}
