import { EXPERIMENT_DOCUMENT_VERSION, type ExperimentHead, type ExperimentRecord } from '@pbft/protocol'
import { DomainError } from '../errors/domainError'
import { StoreError, type SessionStore } from '../store/sessionStore'
import { AnswerCache } from './answerCache'
import { decodeDocument, documentText, encodeRecord, ExperimentTextError, isLegacyHead, parseHead, recordOfHead } from './recordText'

export interface ArchiveOptions {
  store: SessionStore
  /** Experiments kept (default 100): beyond, the oldest finished ones are deleted, record and document. */
  maxKept?: number
  /** Bytes of finished answers kept in memory (default 32 MiB); the rest are read from the store when asked for. */
  answerCacheBytes?: number
  warn(message: string): void
}

export const DEFAULT_MAX_KEPT = 100
const DEFAULT_ANSWER_CACHE_BYTES = 32 * 1024 * 1024

/**
 * The experiments a server keeps: a small head (every field but the results) of each in memory,
 * oldest first, and their documents in the store. A finished experiment's results are read
 * from the store when someone asks for them (and their answer cached, bounded), never all
 * held nor loaded at start-up: start-up time and memory no longer grow with the number of
 * stored experiments (28 of them took 4.6 s and 360 MB to load).
 */
export class ExperimentArchive {
  private readonly heads = new Map<string, ExperimentHead>()
  private readonly answers: AnswerCache
  /** Final answers being encoded and stored: readers wait for them rather than read the store. */
  private readonly pending = new Map<string, Promise<Buffer>>()
  private readonly maxKept: number

  private constructor(private readonly options: ArchiveOptions) {
    this.maxKept = options.maxKept ?? DEFAULT_MAX_KEPT
    this.answers = new AnswerCache(options.answerCacheBytes ?? DEFAULT_ANSWER_CACHE_BYTES)
  }

  /** Reads the head of every stored experiment (documents that cannot be read are skipped, with a warning). */
  static async open(options: ArchiveOptions): Promise<ExperimentArchive> {
    const archive = new ExperimentArchive(options)
    const heads: ExperimentHead[] = []
    const legacy: string[] = []
    for (const { id, head } of await options.store.loadExperimentHeads()) {
      try {
        const parsed = parseHead(head)
        if (parsed.id !== id) throw new ExperimentTextError(`it holds experiment ${parsed.id}`)
        heads.push(parsed)
        if (isLegacyHead(head, parsed)) legacy.push(id)
      } catch (error) {
        options.warn(`skipped stored experiment ${id}: ${reason(error)}`)
      }
    }
    heads.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
    for (const head of heads) archive.heads.set(head.id, head)
    // Read once more (in the background) and stored again one result per line: next start-ups read one line of them.
    for (const id of legacy) void archive.answer(id).catch((error: unknown) => options.warn(`could not convert experiment ${id}: ${reason(error)}`))
    return archive
  }

  has(id: string): boolean {
    return this.heads.has(id)
  }

  head(id: string): ExperimentHead | undefined {
    return this.heads.get(id)
  }

  /** Every kept head, oldest first. */
  all(): IterableIterator<ExperimentHead> {
    return this.heads.values()
  }

  /** Forgets an experiment here without touching the store (another server answers for it). */
  drop(id: string): void {
    this.heads.delete(id)
    this.answers.forget(id)
  }

  /**
   * Stores a record (resolves once its document is durable) and keeps its head; a finished
   * record's answer is cached at once. Encoding runs in slices; until it is done, readers of a
   * finished record wait for it.
   */
  async save(record: ExperimentRecord, cancelTokenHash?: string): Promise<void> {
    const { results: _results, ...fields } = record
    this.heads.set(record.id, { v: EXPERIMENT_DOCUMENT_VERSION, ...fields, ...(cancelTokenHash === undefined ? {} : { cancelTokenHash }) })
    const encoding = encodeRecord(record)
    if (record.status === 'running') {
      await this.options.store.saveExperiment(record.id, documentText(await encoding, cancelTokenHash))
      return
    }
    const answer = encoding.then((text) => Buffer.from(text))
    this.pending.set(record.id, answer)
    try {
      const bytes = await answer
      this.answers.put(record.id, bytes)
      await this.options.store.saveExperiment(record.id, documentText(await encoding, cancelTokenHash))
    } finally {
      if (this.pending.get(record.id) === answer) this.pending.delete(record.id)
    }
  }

  /** Whether answering `id` costs nothing more than sending bytes (no store read, no encoding). */
  isCheap(id: string): boolean {
    const head = this.heads.get(id)
    return this.pending.has(id) || this.answers.has(id) || (head !== undefined && head.status !== 'done')
  }

  /** A kept answer, for any id (a cluster caches other servers' finished experiments too). */
  cached(id: string): Buffer | undefined {
    return this.answers.peek(id)
  }

  /** Caches the answer of a finished record this server does not keep (another server's). */
  async keepForeign(record: ExperimentRecord): Promise<Buffer> {
    const answer = Buffer.from(await encodeRecord(record))
    if (record.status === 'done') this.answers.put(record.id, answer)
    return answer
  }

  /**
   * The answer (JSON bytes) of a kept experiment that is not running here; undefined when it is
   * not kept. A done one's results are read from the store, once, and cached.
   */
  async answer(id: string): Promise<Buffer | undefined> {
    const pending = this.pending.get(id)
    if (pending) return pending
    const head = this.heads.get(id)
    if (head === undefined) return undefined
    if (head.status !== 'done') return Buffer.from(JSON.stringify(recordOfHead(head)))
    const answer = await this.answers.get(id, () => this.load(id))
    return answer ?? undefined
  }

  /** Deletes the oldest finished experiments beyond `maxKept` (the running ones are never deleted). */
  trim(): void {
    let extra = this.heads.size - this.maxKept
    for (const head of [...this.heads.values()]) {
      if (extra <= 0) break
      if (head.status === 'running' || this.pending.has(head.id)) continue
      extra--
      this.drop(head.id)
      this.options.store.deleteExperiment(head.id).catch((error: unknown) => this.options.warn(`could not delete experiment ${head.id}: ${reason(error)}`))
    }
  }

  /** A done experiment's answer from its stored document; null (and forgotten, with a warning) when that is gone or damaged. */
  private async load(id: string): Promise<Buffer | null> {
    let text: string | null
    try {
      text = await this.options.store.loadExperiment(id)
    } catch (error) {
      throw new DomainError('STORAGE', `the server could not read experiment ${id} (${reason(error)}); try again`)
    }
    try {
      if (text === null) throw new ExperimentTextError('its document is gone')
      const { record, legacy } = await decodeDocument(text)
      if (record.id !== id) throw new ExperimentTextError(`it holds experiment ${record.id}`)
      const answer = await encodeRecord(record)
      // Stored before results went one per line: store it again, so start-up reads one line of it.
      if (legacy) void this.options.store.saveExperiment(id, documentText(answer, this.heads.get(id)?.cancelTokenHash)).catch(() => undefined)
      return Buffer.from(answer)
    } catch (error) {
      if (!(error instanceof ExperimentTextError)) throw error
      this.options.warn(`experiment ${id} cannot be read and is skipped: ${error.message}`)
      this.drop(id)
      return null
    }
  }
}

function reason(error: unknown): string {
  if (error instanceof StoreError || error instanceof Error) return error.message
  return String(error)
}
