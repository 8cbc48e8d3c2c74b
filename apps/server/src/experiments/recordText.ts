import {
  describeParamsError,
  EXPERIMENT_DOCUMENT_VERSION,
  ExperimentDocument,
  ExperimentHead,
  ExperimentPoint,
  type ExperimentRecord,
} from '@pbft/protocol'
import type { z } from 'zod'
import { Slicer } from './slices'

/**
 * Experiment records as JSON text, laid out with one result per line:
 *
 *     {"v":1,"id":"…","status":"done",…,"engineVersion":"0.1.0","results":[
 *     {"nodes":4,…},
 *     {"nodes":7,…}
 *     ]}
 *
 * It is still one plain JSON value (stored documents keep format v1), but
 * - its first line holds every field except the results, so a server lists and indexes its
 *   experiments by reading first lines only (a 10,000-point record is ~3.6 MB);
 * - it is written and read point by point, in slices: JSON.stringify, JSON.parse and the zod
 *   parse of a 10,000-point record in one go hold the event loop ~30, ~40 and 20–90 ms here.
 *
 * The answer of `GET /api/experiments/:id` is the same text without `v` and the token hash.
 */
const RESULTS_OPEN = ',"results":['
const RESULTS_CLOSE = ']}'

/** A stored document's problem, for people; the document is skipped, never served. */
export class ExperimentTextError extends Error {
  override name = 'ExperimentTextError'
}

/** The record as the JSON text of its answer (results last, one per line), built in slices. */
export async function encodeRecord(record: ExperimentRecord): Promise<string> {
  const { results, ...fields } = record
  const head = JSON.stringify(fields)
  if (results === undefined) return head
  const slicer = new Slicer()
  const lines: string[] = []
  for (const point of results) {
    lines.push(JSON.stringify(point))
    if (slicer.due()) await slicer.pause()
  }
  return `${head.slice(0, -1)}${RESULTS_OPEN}\n${lines.join(',\n')}\n${RESULTS_CLOSE}`
}

/** The stored document of an answer: `v` (and the cancel token's hash) first, then the answer's fields. */
export function documentText(answer: string, cancelTokenHash?: string): string {
  const token = cancelTokenHash === undefined ? '' : `,"cancelTokenHash":${JSON.stringify(cancelTokenHash)}`
  return `{"v":${EXPERIMENT_DOCUMENT_VERSION}${token},${answer.slice(1)}\n`
}

/** A stored document's first line (or its whole text) as its head: every field but the results. */
export function parseHead(line: string): ExperimentHead {
  const text = line.endsWith(RESULTS_OPEN) ? `${line.slice(0, -RESULTS_OPEN.length)}}` : line
  // A document written before this layout is one line, results included: zod drops them.
  return checked(ExperimentHead, parseJson(text, 'its first line'), 'its fields')
}

/** A done experiment stored before results went one per line (its first line holds them all). */
export function isLegacyHead(line: string, head: ExperimentHead): boolean {
  return head.status === 'done' && !line.endsWith(RESULTS_OPEN)
}

/** The record of a head (what a client may see: no `v`, no token hash), results apart. */
export function recordOfHead(head: ExperimentHead): ExperimentRecord {
  const { v: _version, cancelTokenHash: _hash, ...record } = head
  return record
}

export interface DecodedDocument {
  head: ExperimentHead
  record: ExperimentRecord
  /** Written before the one-result-per-line layout: worth storing again. */
  legacy: boolean
}

/** A whole stored document, checked field by field and point by point, in slices. */
export async function decodeDocument(text: string): Promise<DecodedDocument> {
  const firstBreak = text.indexOf('\n')
  const headLine = firstBreak < 0 ? text : text.slice(0, firstBreak)
  if (!headLine.endsWith(RESULTS_OPEN)) {
    // One line: a record without results, or one stored before this layout (parsed at once).
    const document = checked(ExperimentDocument, parseJson(text, 'the document'), 'its fields')
    const { results, ...head } = document
    return { head, record: { ...recordOfHead(head), ...(results === undefined ? {} : { results }) }, legacy: results !== undefined }
  }
  const head = parseHead(headLine)
  const results: ExperimentPoint[] = []
  const slicer = new Slicer()
  let at = firstBreak + 1
  for (;;) {
    const end = text.indexOf('\n', at)
    const line = end < 0 ? text.slice(at) : text.slice(at, end)
    if (line === RESULTS_CLOSE) {
      if (end >= 0 && text.slice(end).trim() !== '') throw new ExperimentTextError('text after the end of the document')
      break
    }
    if (end < 0) throw new ExperimentTextError(`the document ends inside its results (after ${results.length} points)`)
    at = end + 1
    if (line === '' && results.length === 0) continue // an empty list
    const last = text.startsWith(RESULTS_CLOSE, at)
    if (line.endsWith(',') === last) throw new ExperimentTextError(`result ${results.length + 1}: not a list element`)
    const json = last ? line : line.slice(0, -1)
    results.push(checked(ExperimentPoint, parseJson(json, `result ${results.length + 1}`), `result ${results.length + 1}`))
    if (slicer.due()) await slicer.pause()
  }
  return { head, record: { ...recordOfHead(head), results }, legacy: false }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new ExperimentTextError(`${what} is not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
}

function checked<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new ExperimentTextError(`${what}: ${describeParamsError(parsed.error)}`)
  return parsed.data
}
