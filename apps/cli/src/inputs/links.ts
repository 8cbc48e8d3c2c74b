import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { LinkMatrix } from '../engine'

/** A link matrix file: links[from][to] delivery probabilities (the diagonal is unused). */
export const LinkMatrixFile = z.array(
  z.array(z.number({ error: 'entries must be numbers' }).min(0, 'entries must be in [0, 1]').max(1, 'entries must be in [0, 1]'), {
    error: 'rows must be arrays',
  }),
  { error: 'expected an N×N array of arrays' },
)

/** Where in the matrix a zod issue points, e.g. `[2][3]`. */
function position(path: readonly PropertyKey[]): string {
  return path.map((key) => `[${String(key)}]`).join('')
}

/**
 * Reads and checks a link matrix for `nodes` replicas. Throws Error with a message that
 * names the file and the offending entry; the caller turns it into a usage error.
 */
export function readLinkMatrix(file: string, nodes: number): LinkMatrix {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message})`)
  }
  const parsed = LinkMatrixFile.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`${file}${position(issue?.path ?? [])}: ${issue?.message ?? 'invalid matrix'}`)
  }
  const matrix = parsed.data
  const badRow = matrix.findIndex((row) => row.length !== nodes)
  if (matrix.length !== nodes || badRow >= 0) {
    const shape = matrix.length !== nodes ? `it has ${matrix.length} rows` : `row ${badRow} has ${matrix[badRow]?.length} entries`
    throw new Error(`${file} must be a ${nodes}×${nodes} matrix for --nodes ${nodes}, but ${shape}`)
  }
  return matrix
}
