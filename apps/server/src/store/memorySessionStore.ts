import { serialise } from './coalescingQueue'
import { checkDocumentId } from './fileSessionStore'
import { runningIn, StoreError, type SessionIndexEntry, type SessionStore } from './sessionStore'

/**
 * The store for tests and throw-away demos: the same contract as the file store, in memory.
 * Documents are cloned on the way in and out, so a caller mutating its object after a save
 * (or a loaded one) cannot change what is stored, exactly as with files.
 */
export class MemorySessionStore implements SessionStore {
  /** Always empty: nothing can be corrupt in memory; kept for parity with FileSessionStore. */
  readonly warnings: string[] = []
  private readonly sessions = new Map<string, unknown>()
  private readonly experiments = new Map<string, unknown>()
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

  async loadExperiments(): Promise<unknown[]> {
    return [...this.experiments.values()].map((document) => structuredClone(document))
  }

  async saveExperiment(id: string, document: unknown): Promise<void> {
    this.put(this.experiments, id, document)
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
