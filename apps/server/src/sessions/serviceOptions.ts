import type { SessionStore } from '../store/sessionStore'
import type { Clock } from './clock'
import type { RoundTraceLimits } from './roundTraces'
import type { SessionLifetime } from './sessionCatalog'
import type { SessionSink } from './sink'

export interface SessionServiceOptions {
  store: SessionStore
  clock?: Clock
  /** Where views and session events go (default: nowhere); the app passes the socket server's rooms. */
  sink?: SessionSink
  /**
   * Least time between two view emissions to one session's audiences (default 80 ms); sessions
   * of N replicas use at least N ms, so a 100-replica round sends each phone ~10 views a second
   * (2·N was measured too: no better act latency, the views are not what delays acks).
   */
  viewIntervalMs?: number
  /** How long a bot's move may wait to be saved (default 250 ms); humans' moves are saved at once. */
  relaxedSaveMs?: number
  log?: { info(message: string): void; warn(message: string): void; error(message: string): void }
  /** Round seeds (default: crypto-random). */
  newSeed?: () => number
  /**
   * Cluster mode (see cluster/ownership.ts): this process holds only the sessions it owns. `open`
   * then loads nothing (the cluster adopts sessions one by one), and `create` reserves each
   * new id with `claim` (false: another process has it, pick another).
   */
  ownership?: SessionOwnership
  /** How long idle sessions are kept and how many may be stored (SESSION_TTL_DAYS, MAX_SESSIONS). */
  lifetime?: Partial<SessionLifetime>
  /** Limits of `history?round=r` replays (cache size, per-client and server-wide concurrency). */
  roundTraces?: RoundTraceLimits
}

/** How a cluster reserves the id of a session created here (its lease). */
export interface SessionOwnership {
  claim(id: string): Promise<boolean>
}

/** Who a seat call comes from: the seat and the hash of the token presented for it. */
export interface SeatCredential {
  nodeId: number
  tokenHash: string
}

export const CONSOLE_LOG = {
  info: (message: string) => console.info(message),
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
}
