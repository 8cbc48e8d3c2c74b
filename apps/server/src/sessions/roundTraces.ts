import { promisify } from 'node:util'
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib'
import type { LiveRound, TracedMessage } from '@pbft/engine'
import { HISTORY_SCHEMA_VERSION, type LiveRoundRecord, type RoundRecord } from '@pbft/protocol'
import { SessionError } from './errors'
import { applyEntry, liveRoundOf } from './roundLog'

// zlib's async forms run on the thread pool: ~150 ms of gzip for a 5 MB trace never blocks the
// loop. Their output reaches the loop one chunk per callback: 1 MiB chunks rather than the
// default 16 KiB make that 5 callbacks per trace instead of ~300 (measured: ~0.5 s of the loop
// per 65 replays).
const ZLIB = { chunkSize: 1 << 20 }
const gzipAsync = promisify(gzipCallback)
const gunzipAsync = promisify(gunzipCallback)
const gzip = (data: Buffer): Promise<Buffer> => gzipAsync(data, ZLIB)
const gunzip = (data: Buffer): Promise<Buffer> => gunzipAsync(data, ZLIB)

/** How long one slice of a replay or of its serialisation may hold the event loop. */
const SLICE_MS = 6

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * Replays a round's log like `replay`, but yields to the event loop every few milliseconds: a
 * round at N = 100 is ~200 logged calls sending ~20,000 authenticated messages, ~100 ms of CPU
 * in one go, which would stall every socket of the server.
 */
export async function replaySliced(record: LiveRoundRecord, sliceMs = SLICE_MS): Promise<LiveRound> {
  const live = liveRoundOf(record)
  let sliceStart = performance.now()
  for (const entry of record.log) {
    applyEntry(live, entry)
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn()
      sliceStart = performance.now()
    }
  }
  return live
}

/** `JSON.stringify(messages)`, a slice at a time (5.7 MB of JSON at N = 100 is ~30 ms in one go). */
async function stringifySliced(messages: readonly TracedMessage[], sliceMs = SLICE_MS): Promise<string> {
  const chunks: string[] = []
  const step = 500
  let sliceStart = performance.now()
  for (let start = 0; start < messages.length; start += step) {
    const json = JSON.stringify(messages.slice(start, start + step))
    chunks.push(json.slice(1, -1))
    if (performance.now() - sliceStart >= sliceMs) {
      await nextTurn()
      sliceStart = performance.now()
    }
  }
  return `[${chunks.join(',')}]`
}

export interface RoundTraceLimits {
  /** Bytes of gzipped answers kept (default 64 MiB: about eighty rounds at N = 100). */
  cacheBytes?: number
  /** Trace requests one client may have in flight (default 2). */
  perClient?: number
  /** Replays computed at once in the whole server (default 4). */
  computing?: number
}

/**
 * `GET /api/sessions/:id/history?round=r` answers, as JSON text. A finished round never
 * changes, so its answer is built once (replayed and serialised in slices, without schema
 * validation: our own engine's output), kept in a cache bounded in bytes (least recently used
 * out first), and shared by concurrent requests for it. Each client may have `perClient`
 * requests in flight and the server computes at most `computing` replays at once; beyond,
 * 429 TOO_MANY_REPLAYS.
 */
export class RoundTraces {
  /** Keyed by the round's record: a deleted session's rounds (or a reused code) never match. */
  private readonly cache = new Map<RoundRecord, Buffer>()
  private readonly computingNow = new Map<RoundRecord, Promise<Buffer>>()
  private readonly inFlight = new Map<string, number>()
  private cachedBytes = 0
  private readonly cacheBytes: number
  private readonly perClient: number
  private readonly computing: number

  constructor(limits: RoundTraceLimits = {}) {
    this.cacheBytes = limits.cacheBytes ?? 64 * 1024 * 1024
    this.perClient = limits.perClient ?? 2
    this.computing = limits.computing ?? 4
  }

  /** What the cache holds (tests, diagnostics). */
  get cached(): { rounds: number; bytes: number } {
    return { rounds: this.cache.size, bytes: this.cachedBytes }
  }

  /**
   * The JSON answer for `record` of session `sessionId`, for `client` (its address), as UTF-8
   * bytes, gzipped when `gzipped` (the client accepts it): the cache holds the gzip bytes (a
   * trace compresses ~6×: 5 MB → 0.8 MB on a phone's Wi-Fi), sent as they are; a client
   * without gzip gets them inflated on the thread pool.
   */
  async answer(sessionId: string, record: RoundRecord, client: string, gzipped = false): Promise<Buffer> {
    const held = this.inFlight.get(client) ?? 0
    if (held >= this.perClient) {
      throw new SessionError('TOO_MANY_REPLAYS', `at most ${this.perClient} round replays at once per client: wait for the ones you asked for`)
    }
    this.inFlight.set(client, held + 1)
    try {
      const compressed = await this.answerFor(sessionId, record)
      return gzipped ? compressed : await gunzip(compressed)
    } finally {
      const left = (this.inFlight.get(client) ?? 1) - 1
      if (left > 0) this.inFlight.set(client, left)
      else this.inFlight.delete(client)
    }
  }

  private answerFor(sessionId: string, record: RoundRecord): Promise<Buffer> {
    const cached = this.cache.get(record)
    if (cached !== undefined) {
      // Most recently used last: eviction takes from the front.
      this.cache.delete(record)
      this.cache.set(record, cached)
      return Promise.resolve(cached)
    }
    const running = this.computingNow.get(record)
    if (running) return running
    if (this.computingNow.size >= this.computing) {
      throw new SessionError('TOO_MANY_REPLAYS', `the server is replaying ${this.computing} rounds already: retry in a moment`)
    }
    const computed = (async () => {
      const trace = await stringifySliced((await replaySliced(record)).trace)
      const head = `{"sessionId":${JSON.stringify(sessionId)},"schemaVersion":${HISTORY_SCHEMA_VERSION}`
      return gzip(Buffer.from(`${head},"round":${JSON.stringify(record)},"trace":${trace}}`))
    })()
    this.computingNow.set(record, computed)
    void computed.then(
      (json) => this.remember(record, json),
      () => undefined,
    )
    return computed.finally(() => this.computingNow.delete(record))
  }

  private remember(record: RoundRecord, json: Buffer): void {
    // An answer bigger than the whole cache is served, not kept.
    if (json.length > this.cacheBytes) return
    this.cache.set(record, json)
    this.cachedBytes += json.length
    for (const [oldest, text] of this.cache) {
      if (this.cachedBytes <= this.cacheBytes) break
      this.cache.delete(oldest)
      this.cachedBytes -= text.length
    }
  }
}
