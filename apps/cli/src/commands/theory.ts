import { TheoryParams } from '@pbft/protocol'
import { readFlags, validateFlags, type FlagSpec } from '../arguments'
import { EXIT, type CliIo } from '../cliIo'
import { defaultFaultBound, successProbability } from '../engine'
import { formatPercent, formatRate, renderTable } from '../output/table'

const FLAGS: FlagSpec = {
  nodes: { type: 'string' },
  p: { type: 'string' },
  f: { type: 'string' },
  json: { type: 'boolean' },
}

/** One point of the theory curve; `pbft theory --json` prints exactly these keys in this order. */
export interface TheoryPoint {
  nodes: number
  f: number
  p: number
  successRate: number
}

// Large N costs O(N²) per point: give SIGINT a chance to be heard this often.
const YIELD_EVERY_MS = 50

/** Every (nodes, p) pair, nodes outer, computed lazily so long tables can be interrupted and streamed. */
async function* theoryPoints(params: TheoryParams, signal: AbortSignal | undefined): AsyncGenerator<TheoryPoint> {
  let lastYield = Date.now()
  for (const nodes of params.nodes) {
    const f = params.f ?? defaultFaultBound(nodes)
    for (const p of params.p) {
      if (Date.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        lastYield = Date.now()
      }
      signal?.throwIfAborted()
      yield { nodes, f, p, successRate: successProbability(nodes, p, f) }
    }
  }
}

/** `pbft theory`: the exact success probability for every (nodes, p) pair. */
export async function theoryCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const values = readFlags('theory', argv, FLAGS)
  const params = validateFlags('theory', TheoryParams, values)
  const points = theoryPoints(params, io.signal)
  if (values.json === true) {
    for await (const point of points) io.stdout.write(`${JSON.stringify(point)}\n`)
    return EXIT.ok
  }
  const rows: string[][] = []
  for await (const { nodes, f, p, successRate } of points) {
    rows.push([String(nodes), String(f), String(p), formatRate(successRate), formatPercent(successRate)])
  }
  const columns = [{ header: 'nodes' }, { header: 'f' }, { header: 'p' }, { header: 'success rate' }, { header: 'percent' }]
  io.stdout.write(renderTable(columns, rows))
  return EXIT.ok
}
