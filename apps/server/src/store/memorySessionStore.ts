import { serialise } from './coalescingQueue'
import { checkDocumentId } from './fileSessionStore'
import { firstLine, runningIn, StoreError, type ExperimentHeadText, type SessionIndexEntry, type SessionStore } from './sessionStore'

/**
 * The store for tests and throw-away demos: the same contract as the file store, in memory.
 * Documents are cloned on the way in and out, so a caller mutating its object after a save
 * (or a loaded one) cannot change what is stored, exactly as with files.
 */
export class MemorySessionStore implements SessionStore {
  /** Always empty: nothing can be corrupt in memory; kept for parity with FileSessionStore. */
  readonly warnings: string[] = []
  private readonly sessions = new Map<string, unknown>()
  /** Experiment documents are text already (strings are immutable: nothing to clone). */
  private readonly experiments = new Map<string, string>()
  private readonly index = new Map<string, { lastActiveAt: number; running: boolean }>()
  private closed = false

  async loadSessions(): Promise<unknown[]> {
    return [...this.sessions.values()].map((document) => structuredClone(document))
  }

  /** Like the file store's index: each session's last save and whether a round was running. */
  async sessionIndex(): Promise<SessionIndexEntry[]> {
    return [...this.index].map(([id, entry]) => ({ id, ...entry }))
  }

  async loadSession(id: string): Promise<unknown> {
    checkDocumentId(id)
    const document = this.sessions.get(id)
    return document === undefined ? null : structuredClone(document)
  }

  async saveSession(id: string, document: unknown): Promise<void> {
    this.put(this.sessions, id, document)
    this.index.set(id, { lastActiveAt: Date.now(), running: runningIn(document) })
  }

  async deleteSession(id: string): Promise<void> {
    this.checkOpen(id)
    this.sessions.delete(id)
    this.index.delete(id)
  }

  async loadExperimentHeads(): Promise<ExperimentHeadText[]> {
    return [...this.experiments].map(([id, text]) => ({ id, head: firstLine(text) }))
  }

  async loadExperiment(id: string): Promise<string | null> {
    checkDocumentId(id)
    return this.experiments.get(id) ?? null
  }

  async saveExperiment(id: string, text: string): Promise<void> {
    this.checkOpen(id)
    this.experiments.set(id, text)
  }

  async deleteExperiment(id: string): Promise<void> {
    this.checkOpen(id)
    this.experiments.delete(id)
  }

  async close(): Promise<void> {
    this.closed = true
  }

  private put(documents: Map<string, unknown>, id: string, document: unknown): void {
    this.checkOpen(id)
    // A JSON round trip, as a file would do: undefined fields vanish, Dates become strings.
    documents.set(id, JSON.parse(serialise(document)) as unknown)
  }

  private checkOpen(id: string): void {
    checkDocumentId(id)
    if (this.closed) throw new StoreError('the memory store is closed', 'IO')
  }
}
